import { html } from "hono/html";
import type { RunRecord } from "../../engine/store.ts";
import type { RunProgressRow } from "../../engine/viewer-store.ts";
import type { CaseFacets, CasePage, CaseQuery } from "./case-filter.ts";
import { PAGE_SIZE, withParams } from "./case-query-params.ts";
import { progressCell } from "./runs-page.ts";
import { type Html, layout } from "./viewer-layout.ts";

function select(
  name: string,
  label: string,
  values: readonly (string | number)[],
  current: string | undefined,
): Html {
  return html`<label>${label}<select name="${name}"><option value="">any</option>${values.map(
    (value) =>
      html`<option value="${value}" ${String(value) === current ? html`selected` : ""}>${value}</option>`,
  )}</select></label>`;
}

/** The filter form: a GET form, so the filter is the page's URL and can be shared. */
function filterForm(facets: CaseFacets, params: URLSearchParams): Html {
  const get = (name: string) => params.get(name) ?? undefined;
  return html`<form class="filters" method="get" role="search" aria-label="Filter cases">
${select("status", "Case", ["done", "errored", "pending"], get("status"))}
${select("judge", "Judge", facets.judges, get("judge"))}
${select("target", "Target", facets.targets, get("target"))}
${select("defence", "Defence", facets.defences, get("defence"))}
${select("verdict", "Verdict", facets.verdicts, get("verdict"))}
${select("score", "Judgement", ["ok", "unparsed", "errored"], get("score"))}
${select("turns", "User turns", facets.turns, get("turns"))}
${select("category", "Category", facets.categories, get("category"))}
<label>Search transcripts<input type="search" name="q" value="${get("q") ?? ""}" placeholder="text in turns or answers"></label>
<label>Sort<select name="sort">${(["index", "score-desc", "score-asc"] as const).map(
    (sort) => html`<option value="${sort}" ${get("sort") === sort ? html`selected` : ""}>${sort}</option>`,
  )}</select></label>
<button type="submit">Filter</button> <a href="?">Clear</a>
</form>`;
}

function compareForm(run: RunRecord, runs: readonly RunRecord[], facets: CaseFacets): Html {
  const arms = facets.targets.flatMap((target) =>
    facets.defences.map((defence) => (defence === "none" ? target : `${target}|${defence}`)),
  );
  return html`<details class="card"><summary>Compare…</summary>
<form method="get" action="/compare" class="filters" aria-label="Compare">
<input type="hidden" name="a" value="${run.id}">
<label>This run's arm<select name="armA">${arms.map((arm) => html`<option>${arm}</option>`)}</select></label>
<label>Other run<select name="b">${runs.map(
    (other) =>
      html`<option value="${other.id}" ${other.id === run.id ? html`selected` : ""}>${other.name} (${other.id})</option>`,
  )}</select></label>
<label>Its arm (target or target|defence)<input name="armB" value="${arms[1] ?? arms[0] ?? ""}" list="arms"></label>
<datalist id="arms">${arms.map((arm) => html`<option value="${arm}"></option>`)}</datalist>
<label>Judge<select name="judge">${facets.judges.map((judge) => html`<option>${judge}</option>`)}</select></label>
<label>Failure verdict<select name="fail">${facets.verdicts.map(
    (verdict) => html`<option ${verdict === "unsafe" ? html`selected` : ""}>${verdict}</option>`,
  )}</select></label>
<button type="submit">Compare</button></form></details>`;
}

/** A run's case grid: filters, one page of cases, pager, and the comparison form. */
export function runPage(input: {
  run: RunRecord;
  runs: readonly RunRecord[];
  progress: RunProgressRow | undefined;
  facets: CaseFacets;
  page: CasePage;
  query: CaseQuery;
  params: URLSearchParams;
}): Html {
  const { run, page, query, params } = input;
  const runPath = `/runs/${encodeURIComponent(run.id)}`;
  const pageNumber = Math.floor(query.offset / PAGE_SIZE) + 1;
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  const back = withParams(params, {});
  const rows = page.rows.map(
    ({ entry, scores }) => html`<tr class="row" tabindex="0">
<td>${entry.index + 1}</td>
<td><a href="${runPath}/cases/${encodeURIComponent(entry.caseId)}${back}">${entry.caseId}</a></td>
<td><span class="pill ${entry.status}">${entry.status}</span>${entry.error ? html`<div class="error">${entry.error}</div>` : ""}</td>
<td>${entry.userTurns}</td>
<td>${entry.category ?? ""}</td>
<td>${scores.map(
      (score) =>
        html`<span class="pill ${score.status === "ok" ? (score.label ?? "") : score.status}" title="${score.scorer}">${score.judge}@${score.target}${score.defence === "none" ? "" : `|${score.defence}`}: ${score.status === "ok" ? (score.label ?? score.value ?? "") : score.status}${score.label !== null && score.value !== null && score.value > 1 ? ` (${score.value})` : ""}</span>`,
    )}</td>
</tr>`,
  );
  return layout(
    run.name,
    html`<h1>${run.name} <span class="pill ${run.status}" data-status>${run.status}</span></h1>
<p class="muted">${run.id} · ${run.recipe} · ${progressCell(input.progress, run.id)} · <a href="/labels.jsonl?run=${encodeURIComponent(run.id)}">labels (JSONL)</a></p>
${filterForm(input.facets, params)}
${compareForm(run, input.runs, input.facets)}
<p id="total"><b>${page.total}</b> matching cases · page ${pageNumber} of ${pages}</p>
<div class="table-wrap"><table id="cases">
<thead><tr><th>#</th><th>Case</th><th>Status</th><th>Turns</th><th>Category</th><th>Verdicts</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<nav class="pager" aria-label="Pages">
${pageNumber > 1 ? html`<a rel="prev" href="${withParams(params, { page: String(pageNumber - 1) })}">← previous (p)</a>` : ""}
${pageNumber < pages ? html`<a rel="next" href="${withParams(params, { page: String(pageNumber + 1) })}">next (n) →</a>` : ""}
</nav>`,
    html`<a href="${runPath}">${run.name}</a>`,
  );
}

/** A run whose index is still being read: how far it is (the script reloads the page until it is ready). */
export function runLoadingPage(input: {
  run: RunRecord;
  progress: RunProgressRow | undefined;
  load: { loaded: number; total: number };
}): Html {
  const { run, load } = input;
  return layout(
    run.name,
    html`<h1>${run.name} <span class="pill ${run.status}" data-status>${run.status}</span></h1>
<p class="muted">${run.id} · ${run.recipe} · ${progressCell(input.progress, run.id)}</p>
<p id="loading" data-loading role="status">Loading the run's cases: ${load.loaded} of ${load.total} read. The grid opens when they are all read.</p>
<progress max="${Math.max(load.total, 1)}" value="${load.loaded}"></progress>`,
    html`<a href="/runs/${encodeURIComponent(run.id)}">${run.name}</a>`,
  );
}
