import type { CaseCallRow, RunRecord, UsageRow } from "../engine/store.ts";
import type { ResultFigure } from "./result-figure.ts";
import type { TreeView } from "./tree-view.ts";

/** A point of a chart series, with an optional confidence interval. */
export interface ChartPoint {
  x: string | number;
  y: number;
  low?: number;
  high?: number;
  /** Shown beside the point in scatter charts (e.g. the defence of a model x defence point). */
  label?: string;
}

/** How axis ticks and values are written: `percent` reads 0.42 as 42%. */
export type ValueFormat = "number" | "percent";

/** A chart, rendered to inline SVG by the HTML report. */
export interface ChartSpec {
  kind: "line" | "bar" | "scatter";
  title: string;
  xLabel: string;
  yLabel: string;
  /** Fixed y range, e.g. [0, 1] for rates. */
  yRange?: [number, number];
  /** Fixed x range for numeric x values (scatter and line charts). */
  xRange?: [number, number];
  xFormat?: ValueFormat;
  yFormat?: ValueFormat;
  series: { name: string; points: ChartPoint[] }[];
}

/**
 * How a table column is shown; JSON and CSV keep the raw values. `interval-low` and
 * `interval-high` columns are folded into the nearest column before them that is not an
 * interval column, so `rate, low, high` reads "42.0% (31.2–53.1%)".
 */
export type ColumnFormat =
  | "text"
  | "integer"
  | "number"
  | "percent"
  | "usd"
  | "interval-low"
  | "interval-high";

/** A table of figures. Cells are plain values; the renderer formats them. */
export interface MetricTable {
  title: string;
  note?: string;
  columns: string[];
  rows: (string | number | null)[][];
  /** One format per column; without it numbers are shown as plain numbers. */
  formats?: ColumnFormat[];
  /**
   * Per row, the index in `ReportData.cases` of the case its first cell links to (null: no
   * link), so tables such as "worst dialogues" lead to the transcript in the case browser.
   */
  caseLinks?: (number | null)[];
}

/** One turn of a transcript as shown in the report. */
export interface TurnView {
  role: "system" | "user" | "assistant";
  text: string;
  /**
   * Small inline thumbnails (data: URIs) or a label where the image is not embedded;
   * `fullDataUri` is a larger copy shown when the thumbnail is clicked (typographic text stays readable).
   */
  images: { dataUri?: string; fullDataUri?: string; label: string }[];
}

/** A case as shown in the report. */
export interface CaseView {
  caseId: string;
  title: string;
  status: "done" | "errored" | "pending";
  error: string | null;
  turns: TurnView[];
  /** Shown above the turns when they are not the conversation as played (a result stored without its transcript). */
  transcriptNote?: string;
  /** A tree shown after the transcript (a red-team search), nodes coloured by score, expandable. */
  tree?: TreeView;
  scores: {
    scorer: string;
    status: string;
    label: string | null;
    value: number | null;
    explanation: string | null;
  }[];
  /**
   * True when a judge found this case harmful (e.g. the attack succeeded); the report
   * lets readers filter to these. Left out, a score labelled unsafe/flagged/harmful counts.
   */
  flagged?: boolean;
  /** Whose answers these are; the case browser filters by it. */
  target?: string;
  /** The label the case should get (e.g. `refuse`/`comply`, or a moderation item's gold rating). */
  expected?: string | null;
  /**
   * Where the verdict went against the expected label: `missed-risk` (should have been refused or
   * flagged, was not) or `over-refusal` (should have been answered or passed, was refused or flagged).
   */
  outcome?: "missed-risk" | "over-refusal" | null;
  /** The case's value of the breakdown key (`metadata.category` by default); the browser filters by it. */
  category?: string | null;
  /** Model calls made for this case (all roles), with the retries they needed; from the store's calls. */
  calls?: CaseCallRow[];
}

/** Everything a report shows; also written as the JSON report. */
export interface ReportData {
  title: string;
  generatedAt: string;
  run: RunRecord;
  /** Shown prominently when any model was the scripted simulator. */
  simulator: boolean;
  counts: {
    cases: number;
    done: number;
    errored: number;
    pending: number;
    unparsedScores: number;
    erroredScores: number;
  };
  /**
   * Headline cards. `value` is formatted for people (HTML, Markdown); `figure`, where the card
   * shows a measured rate or mean, carries the same result as numbers.
   */
  headline: { label: string; value: string; note?: string; figure?: ResultFigure }[];
  /** Every rate or mean of the run as numbers (terminal table, --json, --fail-on); absent in old reports. */
  figures?: ResultFigure[];
  tables: MetricTable[];
  charts: ChartSpec[];
  usage: UsageRow[];
  cases: CaseView[];
  /** How many cases exist beyond those included. */
  casesOmitted: number;
  warnings: string[];
}
