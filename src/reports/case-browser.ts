import { caseFilters, isFlaggedLabel } from "./case-filters.ts";
import { escapeHtml, safeImageDataUri } from "./escape-html.ts";
import { formatInteger, formatNumber } from "./format-value.ts";
import type { CaseView, TurnView } from "./report-data.ts";
import { renderTree } from "./tree-view.ts";

/** Longest turn text shown in full; longer ones are cut with a note so one case cannot swamp the page. */
const MAX_TURN_CHARACTERS = 20_000;

export { hasScoreProblem, isFlagged } from "./case-filters.ts";

/**
 * The case browser: filter bars and one collapsible entry per case. Filtering is done in
 * CSS, so every case is still listed when styles (or `:has()`) are unavailable.
 */
export function renderCaseBrowser(cases: readonly CaseView[], casesOmitted: number): string {
  const filters = caseFilters(cases, casesOmitted);
  const omitted =
    casesOmitted > 0
      ? `<p class="note"><strong>${formatInteger(casesOmitted)} more cases not shown.</strong> Their results are included in every figure above.</p>`
      : "";
  const entries = cases.length
    ? cases.map((view, index) => renderCase(view, index, filters.attributes(view))).join("\n")
    : `<p class="note">No cases to show.</p>`;
  return `<div class="case-browser"><style>${filters.style}</style>${filters.bar}<div class="cases">${entries}</div>${omitted}</div>`;
}

function renderCase(view: CaseView, index: number, flags: string): string {
  const statusClass = view.status === "done" ? "ok" : view.status === "errored" ? "bad" : "warn";
  const chips = view.scores.map((score) => {
    const shown = score.label ?? (score.value === null ? score.status : formatNumber(score.value));
    return `<span class="badge ${scoreClass(score.status, score.label)}">${escapeHtml(`${score.scorer}: ${shown}`)}</span>`;
  });
  const title =
    view.title && view.title !== view.caseId
      ? `<span class="case-title">${escapeHtml(view.title)}</span>`
      : "";
  const summary =
    `<summary><span class="badge ${statusClass}">${escapeHtml(view.status)}</span>` +
    `<code>${escapeHtml(view.caseId)}</code>${title}${expectation(view)}${chips.join("")}${retryBadge(view)}</summary>`;
  const error = view.error
    ? `<div class="case-error"><strong>Error:</strong> ${escapeHtml(view.error)}</div>`
    : "";
  const note = view.transcriptNote ? `<p class="note">${escapeHtml(view.transcriptNote)}</p>` : "";
  const turns = view.turns.length
    ? `${note}<ol class="transcript">${view.turns.map(renderTurn).join("")}</ol>`
    : `<p class="note">No transcript recorded.</p>`;
  const tree = view.tree ? `<h4>Search tree</h4>${renderTree(view.tree)}` : "";
  return `<details class="case" id="case-${index}"${flags}>${summary}<div class="case-body">${error}${turns}${tree}${renderScores(view)}${renderCalls(view)}</div></details>`;
}

/** The expected label, and a mark where the verdict went against it. */
function expectation(view: CaseView): string {
  if (!view.expected) return "";
  const mark =
    view.outcome === "missed-risk"
      ? `<span class="badge bad outcome">missed risk</span>`
      : view.outcome === "over-refusal"
        ? `<span class="badge warn outcome">over-refusal</span>`
        : "";
  return `<span class="badge expected">expected: ${escapeHtml(view.expected)}</span>${mark}`;
}

function retryBadge(view: CaseView): string {
  const retries = (view.calls ?? []).reduce((sum, row) => sum + row.retries, 0);
  return retries > 0
    ? `<span class="badge warn">${formatInteger(retries)} ${retries === 1 ? "retry" : "retries"}</span>`
    : "";
}

/** The case's model calls per role and model, with retries (attempts beyond the first) and failures. */
function renderCalls(view: CaseView): string {
  if (!view.calls || view.calls.length === 0) return "";
  const items = view.calls.map(
    (row) =>
      `<li>${escapeHtml(row.role)} <code>${escapeHtml(row.targetId)}</code>: ${formatInteger(row.calls)} ${row.calls === 1 ? "call" : "calls"}, ` +
      `${formatInteger(row.retries)} ${row.retries === 1 ? "retry" : "retries"}${row.erroredCalls > 0 ? `, <strong>${formatInteger(row.erroredCalls)} failed</strong>` : ""}</li>`,
  );
  return `<div class="calls"><span class="filter-legend">Calls</span><ul>${items.join("")}</ul></div>`;
}

function scoreClass(status: string, label: string | null): string {
  if (status === "errored") return "bad";
  if (status === "unparsed") return "warn";
  if (isFlaggedLabel(label)) return "bad";
  return status === "ok" ? "info" : "warn";
}

function renderTurn(turn: TurnView): string {
  let text = turn.text;
  let cut = "";
  if (text.length > MAX_TURN_CHARACTERS) {
    cut = `<p class="note">… ${formatInteger(text.length - MAX_TURN_CHARACTERS)} more characters not shown.</p>`;
    text = text.slice(0, MAX_TURN_CHARACTERS);
  }
  const images = turn.images.length
    ? `<div class="images">${turn.images.map(renderImage).join("")}</div>`
    : "";
  const body = text ? `<div class="text">${escapeHtml(text)}</div>` : "";
  return `<li class="turn"><span class="badge role ${escapeHtml(turn.role)}">${escapeHtml(turn.role)}</span><div>${body}${cut}${images}</div></li>`;
}

function renderImage(image: TurnView["images"][number]): string {
  const source = safeImageDataUri(image.dataUri);
  const label = escapeHtml(image.label);
  const full = safeImageDataUri(image.fullDataUri);
  // The larger copy sits inside the thumbnail's <summary>: a click opens it over the page, another closes it.
  if (source && full)
    return (
      `<figure><details class="zoom"><summary title="${label} (click to enlarge)"><img src="${escapeHtml(source)}" alt="${label}" loading="lazy">` +
      `<span class="zoomed"><img src="${escapeHtml(full)}" alt="${label}, full size" loading="lazy"></span></summary></details><figcaption>${label}</figcaption></figure>`
    );
  if (source)
    return `<figure><img src="${escapeHtml(source)}" alt="${label}" title="${label}" loading="lazy"><figcaption>${label}</figcaption></figure>`;
  const reason =
    image.dataUri === undefined
      ? "image not embedded"
      : "image not embedded: only inline data images are shown";
  return `<span class="image-label">[${escapeHtml(reason)}] ${label}</span>`;
}

function renderScores(view: CaseView): string {
  if (view.scores.length === 0) return `<p class="note">No scores.</p>`;
  const rows = view.scores.map(
    (score) =>
      `<tr><td><code>${escapeHtml(score.scorer)}</code></td>` +
      `<td><span class="badge ${scoreClass(score.status, null)}">${escapeHtml(score.status)}</span></td>` +
      `<td>${escapeHtml(score.label ?? "—")}</td><td class="number">${escapeHtml(formatNumber(score.value))}</td>` +
      `<td class="explanation">${escapeHtml(score.explanation ?? "—")}</td></tr>`,
  );
  return (
    `<div class="table-wrap"><table class="scores"><thead><tr><th>Scorer</th><th>Status</th><th>Label</th>` +
    `<th class="number">Value</th><th>Explanation</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`
  );
}
