import type { RunRecord, UsageRow } from "../engine/store.ts";

/** A point of a chart series, with an optional confidence interval. */
export interface ChartPoint {
  x: string | number;
  y: number;
  low?: number;
  high?: number;
}

/** A chart, rendered to inline SVG by the HTML report. */
export interface ChartSpec {
  kind: "line" | "bar" | "scatter";
  title: string;
  xLabel: string;
  yLabel: string;
  /** Fixed y range, e.g. [0, 1] for rates. */
  yRange?: [number, number];
  series: { name: string; points: ChartPoint[] }[];
}

/** A table of figures. Cells are plain values; the renderer formats them. */
export interface MetricTable {
  title: string;
  note?: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** One turn of a transcript as shown in the report. */
export interface TurnView {
  role: "system" | "user" | "assistant";
  text: string;
  /** Small inline thumbnails (data: URIs) or a label where the image is not embedded. */
  images: { dataUri?: string; label: string }[];
}

/** A case as shown in the report. */
export interface CaseView {
  caseId: string;
  title: string;
  status: "done" | "errored" | "pending";
  error: string | null;
  turns: TurnView[];
  scores: { scorer: string; status: string; label: string | null; value: number | null; explanation: string | null }[];
}

/** Everything a report shows; also written as the JSON report. */
export interface ReportData {
  title: string;
  generatedAt: string;
  run: RunRecord;
  /** Shown prominently when any model was the scripted simulator. */
  simulator: boolean;
  counts: { cases: number; done: number; errored: number; pending: number; unparsedScores: number; erroredScores: number };
  headline: { label: string; value: string; note?: string }[];
  tables: MetricTable[];
  charts: ChartSpec[];
  usage: UsageRow[];
  cases: CaseView[];
  /** How many cases exist beyond those included. */
  casesOmitted: number;
  warnings: string[];
}
