import { escapeHtml, safeImageDataUri } from "./escape-html.ts";
import { formatInteger, formatNumber } from "./format-value.ts";
import type { CaseView, TurnView } from "./report-data.ts";

/** Longest turn text shown in full; longer ones are cut with a note so one case cannot swamp the page. */
const MAX_TURN_CHARACTERS = 20_000;

const FLAGGED_LABELS = new Set(["unsafe", "flagged", "harmful"]);

/** Whether a case belongs under the "flagged" filter: its own flag, else an unsafe-looking score label. */
export function isFlagged(view: CaseView): boolean {
  if (view.flagged !== undefined) return view.flagged;
  return view.scores.some((score) => score.label !== null && FLAGGED_LABELS.has(score.label.toLowerCase()));
}

/** Whether any of a case's scores could not be read or failed. */
export function hasScoreProblem(view: CaseView): boolean {
  return view.scores.some((score) => score.status === "unparsed" || score.status === "errored");
}

/**
 * The case browser: a filter bar and one collapsible entry per case. Filtering is done in
 * CSS, so every case is still listed when styles or scripts are unavailable.
 */
export function renderCaseBrowser(cases: readonly CaseView[], casesOmitted: number): string {
  const errored = cases.filter((view) => view.status === "errored").length;
  const unparsed = cases.filter(hasScoreProblem).length;
  const flagged = cases.filter(isFlagged).length;
  const filters = [
    ["all", `All (${formatInteger(cases.length)})`],
    ["errored", `Errored cases (${formatInteger(errored)})`],
    ["unparsed", `Unparsed or errored scores (${formatInteger(unparsed)})`],
    ["flagged", `Flagged (${formatInteger(flagged)})`],
  ];
  const inputs = filters
    .map(
      ([name], index) =>
        `<input type="radio" class="filter-input" name="case-filter" id="filter-${name}"${index === 0 ? " checked" : ""}>`,
    )
    .join("");
  const labels = filters
    .map(([name, text]) => `<label for="filter-${name}">${escapeHtml(text ?? "")}</label>`)
    .join("");
  const omitted =
    casesOmitted > 0
      ? `<p class="note"><strong>${formatInteger(casesOmitted)} more cases not shown.</strong> Their results are included in every figure above.</p>`
      : "";
  const entries = cases.length
    ? cases.map((view, index) => renderCase(view, index)).join("\n")
    : `<p class="note">No cases to show.</p>`;
  return `${inputs}<div class="filters" role="group" aria-label="Show cases">${labels}</div><div class="cases">${entries}</div>${omitted}`;
}

function renderCase(view: CaseView, index: number): string {
  const flags = [
    view.status === "errored" ? " data-errored" : "",
    hasScoreProblem(view) ? " data-unparsed" : "",
    isFlagged(view) ? " data-flagged" : "",
  ].join("");
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
    `<code>${escapeHtml(view.caseId)}</code>${title}${chips.join("")}</summary>`;
  const error = view.error
    ? `<div class="case-error"><strong>Error:</strong> ${escapeHtml(view.error)}</div>`
    : "";
  const turns = view.turns.length
    ? `<ol class="transcript">${view.turns.map(renderTurn).join("")}</ol>`
    : `<p class="note">No transcript recorded.</p>`;
  return `<details class="case" id="case-${index}"${flags}>${summary}<div class="case-body">${error}${turns}${renderScores(view)}</div></details>`;
}

function scoreClass(status: string, label: string | null): string {
  if (status === "errored") return "bad";
  if (status === "unparsed") return "warn";
  if (label !== null && FLAGGED_LABELS.has(label.toLowerCase())) return "bad";
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
