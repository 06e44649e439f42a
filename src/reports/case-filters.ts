import { escapeHtml } from "./escape-html.ts";
import { formatInteger } from "./format-value.ts";
import type { CaseView } from "./report-data.ts";

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

/** The score label classes that read as flagged. */
export function isFlaggedLabel(label: string | null): boolean {
  return label !== null && FLAGGED_LABELS.has(label.toLowerCase());
}

interface FilterOption {
  id: string;
  text: string;
  /** The attribute a case needs to stay visible; null shows every case. */
  match: string | null;
}

/** The case browser's filters: radio groups whose rules are written for these cases. */
export interface CaseFilters {
  /** The filter bar. */
  bar: string;
  /** CSS hiding the cases a checked filter leaves out (`:has()`; without it every case stays listed). */
  style: string;
  /** The data attributes of the case at this index. */
  attributes(view: CaseView): string;
}

/**
 * Builds the filters for a list of cases: by outcome (errored, unparsed, flagged, missed risk,
 * over-refusal), by target and by category, each radio group combining with the others. Values
 * from the data only ever appear as escaped label text; attributes and selectors use indices.
 */
export function caseFilters(cases: readonly CaseView[], casesOmitted: number): CaseFilters {
  const targets = distinct(cases.map((view) => view.target));
  const categories = distinct(cases.map((view) => view.category));
  const count = (test: (view: CaseView) => boolean) => formatInteger(cases.filter(test).length);
  const shownCases = new Set(cases.map((view) => view.caseId)).size;
  const entries = cases.length !== shownCases ? ` · ${formatInteger(cases.length)} entries` : "";
  const all =
    casesOmitted > 0
      ? `All (${formatInteger(shownCases)} of ${formatInteger(shownCases + casesOmitted)}${entries})`
      : `All (${formatInteger(shownCases)}${entries})`;
  const outcome: FilterOption[] = [
    { id: "filter-all", text: all, match: null },
    {
      id: "filter-errored",
      text: `Errored cases (${count((view) => view.status === "errored")})`,
      match: "[data-errored]",
    },
    {
      id: "filter-unparsed",
      text: `Unparsed or errored scores (${count(hasScoreProblem)})`,
      match: "[data-unparsed]",
    },
    { id: "filter-flagged", text: `Flagged (${count(isFlagged)})`, match: "[data-flagged]" },
  ];
  if (cases.some((view) => view.expected)) {
    outcome.push(
      {
        id: "filter-missed",
        text: `Missed risk (${count((view) => view.outcome === "missed-risk")})`,
        match: "[data-missed]",
      },
      {
        id: "filter-over",
        text: `Over-refusal (${count((view) => view.outcome === "over-refusal")})`,
        match: "[data-over]",
      },
    );
  }
  const groups: [string, string, FilterOption[]][] = [["case-filter", "Show", outcome]];
  if (targets.length > 1)
    groups.push([
      "case-target",
      "Target",
      valueOptions("target", targets, (value) => cases.filter((view) => view.target === value).length),
    ]);
  if (categories.length > 0)
    groups.push([
      "case-category",
      "Category",
      valueOptions("category", categories, (value) => cases.filter((view) => view.category === value).length),
    ]);
  const bar = groups
    .map(([name, legend, options]) => {
      const labels = options.map(
        (option, index) =>
          `<label for="${option.id}"><input type="radio" class="filter-input" name="${name}" id="${option.id}"${index === 0 ? " checked" : ""}>${escapeHtml(option.text)}</label>`,
      );
      return `<div class="filters" role="group" aria-label="${legend}"><span class="filter-legend">${legend}</span>${labels.join("")}</div>`;
    })
    .join("");
  const style = groups
    .flatMap(([, , options]) => options)
    .filter((option) => option.match !== null)
    .map((option) => `.case-browser:has(#${option.id}:checked) .case:not(${option.match}) { display: none; }`)
    .join("\n");
  return {
    bar,
    style,
    attributes(view) {
      const target = view.target === undefined ? -1 : targets.indexOf(view.target);
      const category = view.category ? categories.indexOf(view.category) : -1;
      return [
        view.status === "errored" ? " data-errored" : "",
        hasScoreProblem(view) ? " data-unparsed" : "",
        isFlagged(view) ? " data-flagged" : "",
        view.outcome === "missed-risk" ? " data-missed" : "",
        view.outcome === "over-refusal" ? " data-over" : "",
        targets.length > 1 && target >= 0 ? ` data-target="${target}"` : "",
        category >= 0 ? ` data-category="${category}"` : "",
      ].join("");
    },
  };
}

function valueOptions(kind: string, values: string[], size: (value: string) => number): FilterOption[] {
  return [
    { id: `filter-${kind}-all`, text: "All", match: null },
    ...values.map((value, index) => ({
      id: `filter-${kind}-${index}`,
      text: `${value} (${formatInteger(size(value))})`,
      match: `[data-${kind}="${index}"]`,
    })),
  ];
}

function distinct(values: (string | null | undefined)[]): string[] {
  return [
    ...new Set(values.filter((value): value is string => typeof value === "string" && value !== "")),
  ].sort();
}
