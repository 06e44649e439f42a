/**
 * The viewer's only script (served as /assets/viewer.js; no build step): keyboard navigation
 * of tables, the image lightbox, and live run progress from /events (server-sent events).
 */
export const VIEWER_SCRIPT = `"use strict";
(function () {
  var rows = function () { return Array.prototype.slice.call(document.querySelectorAll("tr.row")); };
  var current = -1;
  function focusRow(index) {
    var all = rows();
    if (all.length === 0) return;
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row) { row.classList.remove("current"); });
    all[current].classList.add("current");
    all[current].focus();
  }
  function openRow(row) {
    var link = row && row.querySelector("a[href]");
    if (link) window.location.href = link.getAttribute("href");
  }
  var lightbox = document.getElementById("lightbox");
  function closeLightbox() { if (lightbox) lightbox.hidden = true; }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("thumb") && lightbox) {
      event.preventDefault();
      lightbox.querySelector("img").src = target.getAttribute("data-full");
      lightbox.querySelector("img").alt = target.alt;
      lightbox.hidden = false;
      lightbox.querySelector("button").focus();
      return;
    }
    if (lightbox && !lightbox.hidden && (target === lightbox || (target.classList && target.classList.contains("close")))) {
      closeLightbox();
      return;
    }
    var evidence = target && target.closest ? target.closest("[data-turn-link]") : null;
    if (evidence) {
      event.preventDefault();
      var section = document.querySelector('section[aria-label="' + CSS.escape(evidence.getAttribute("data-evidence")) + '"]') || document;
      var turn = section.querySelector('[data-turn="' + evidence.getAttribute("data-turn-link") + '"]');
      if (turn) { turn.scrollIntoView({ block: "center" }); turn.classList.add("evidence"); turn.setAttribute("tabindex", "-1"); turn.focus(); }
      return;
    }
    var row = target && target.closest ? target.closest("tr.row") : null;
    if (row && !(target.closest("a") || target.closest("button"))) openRow(row);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeLightbox(); return; }
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") { focusRow(current + 1); event.preventDefault(); }
    else if (event.key === "k") { focusRow(current - 1); event.preventDefault(); }
    else if (event.key === "Enter" && current >= 0) { openRow(rows()[current]); }
    else if (event.key === "/") { var search = document.querySelector("input[type=search]"); if (search) { search.focus(); event.preventDefault(); } }
    else if (event.key === "g") { window.location.href = "/"; }
    else if (event.key === "n" || event.key === "p") {
      var pager = document.querySelector(event.key === "n" ? "a[rel=next]" : "a[rel=prev]");
      if (pager) window.location.href = pager.getAttribute("href");
    }
    else if (event.key === "?") { alert("j / k: next / previous row\\nEnter: open the row\\n/: search\\nn / p: next / previous page\\ng: runs list\\nEsc: close the image"); }
  });
  if (document.querySelector("[data-loading]")) setTimeout(function () { window.location.reload(); }, 1000);
  var live = document.querySelectorAll("[data-run-progress]");
  if (live.length > 0 && window.EventSource) {
    var source = new EventSource("/events");
    source.addEventListener("progress", function (event) {
      var runs = JSON.parse(event.data);
      runs.forEach(function (run) {
        var cell = document.querySelector('[data-run-progress="' + CSS.escape(run.runId) + '"]');
        if (!cell) return;
        var finished = run.cases.done + run.cases.errored;
        var total = finished + run.cases.pending;
        var bar = cell.querySelector("progress");
        if (bar) { bar.max = Math.max(total, 1); bar.value = finished; }
        var text = cell.querySelector(".count");
        if (text) text.textContent = finished + " / " + total + (run.cases.errored ? " (" + run.cases.errored + " errored)" : "");
        var status = cell.closest("tr") && cell.closest("tr").querySelector("[data-status]");
        if (status) { status.textContent = run.status; status.className = "pill " + run.status; }
      });
    });
  }
})();
`;
