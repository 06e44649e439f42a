import type { ScoreStatus } from "../contracts/index.ts";
import type { CallRecord, CaseRecord, CaseStatus, ScoreRecord } from "./store.ts";

/** A human's judgement of a verdict: right or wrong, with a note (for judge calibration). */
export interface HumanLabel {
  runId: string;
  caseId: string;
  scorer: string;
  verdict: "right" | "wrong";
  note: string | null;
  createdAt: string;
}

/** A human label with the verdict it was given on, as exported for judge calibration. */
export interface LabelExportRow extends HumanLabel {
  judgeStatus: ScoreStatus | null;
  judgeLabel: string | null;
  judgeValue: number | null;
}

/** A run's progress, as the runs list shows it live. */
export interface RunProgressRow {
  runId: string;
  status: string;
  updatedAt: string;
  cases: Record<CaseStatus, number>;
}

/**
 * What the web viewer reads (and the one thing it writes, human labels). Plain SQL behind it, so
 * every store backend can run the same queries.
 */
export interface ViewerStore {
  /**
   * A run's cases registered or finished at or after `since` (an `updated_at` value), in case order:
   * how the viewer keeps its index of a running run fresh.
   */
  casesUpdatedSince(runId: string, since: string): CaseRecord[];
  /**
   * Up to `limit` of a run's cases with case index above `afterIndex`, in case order: how the
   * viewer reads a large run in chunks, answering other requests between them.
   */
  casesAfter(runId: string, afterIndex: number, limit: number): CaseRecord[];
  /** The newest `updated_at` of a run's cases (null without cases): where a chunked read starts watching. */
  lastCaseUpdate(runId: string): string | null;
  /** The verdicts on a run's cases with case index from `fromIndex` to `toIndex` (both included). */
  scoresOfCaseRange(runId: string, fromIndex: number, toIndex: number): ScoreRecord[];
  /** Every run's status and case counts (one query, polled for the live runs list). */
  runProgress(): RunProgressRow[];
  /** A run's ok verdicts counted by scorer and label (labelled verdicts only), judge = scorer before `@`. */
  verdictCounts(runId: string): { judge: string; label: string; count: number }[];
  /** A case's model calls with their answers, oldest first. */
  callsForCase(runId: string, caseId: string): CallRecord[];
  putLabel(label: HumanLabel): void;
  labelsForCase(runId: string, caseId: string): HumanLabel[];
  /** A run's labels (every run's when runId is undefined) with the verdicts they judge. */
  exportLabels(runId?: string): LabelExportRow[];
}
