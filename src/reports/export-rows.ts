import { userTurnCount } from "../dialogue/dialogue.ts";
import { targetStatus } from "../engine/run-cases.ts";
import type { ScoreRecord, Store } from "../engine/store.ts";
import type { DialogueCaseResult } from "../recipes/dialogue-suite.ts";

/** One exported result: a case as answered by one target, with its judges' verdicts. */
export interface ExportRow {
  runId: string;
  caseId: string;
  target: string | null;
  userTurns: number;
  status: string;
  error: string | null;
  finalAnswer: string | null;
  answers: string[];
  labels: Record<string, unknown>;
  metadata: Record<string, unknown>;
  scores: Record<
    string,
    { status: string; label: string | null; value: number | null; explanation: string | null }
  >;
}

/** Streams a run's results, one row per case and target (cases no target answered get one row). */
export function* exportRows(store: Store, runId: string): Generator<ExportRow> {
  for (const record of store.iterateCases(runId)) {
    const result = record.result as DialogueCaseResult | null;
    const scores = store.scoresForCase(runId, record.caseId);
    const targets = result ? Object.entries(result.targets) : [];
    const base = {
      runId,
      caseId: record.caseId,
      userTurns: userTurnCount(record.dialogue.messages),
      labels: record.dialogue.labels,
      metadata: record.dialogue.metadata,
    };
    if (targets.length === 0) {
      yield {
        ...base,
        target: null,
        status: record.status,
        error: record.error,
        finalAnswer: null,
        answers: [],
        scores: scoresOf(scores, null),
      };
      continue;
    }
    for (const [target, outcome] of targets) {
      const answers = outcome.answers.map((answer) => answer.text);
      yield {
        ...base,
        target,
        status: targetStatus(record.status, outcome),
        error: outcome.error,
        finalAnswer: answers.at(-1) ?? null,
        answers,
        scores: scoresOf(scores, target),
      };
    }
  }
}

function scoresOf(scores: ScoreRecord[], target: string | null): ExportRow["scores"] {
  const out: ExportRow["scores"] = {};
  for (const score of scores) {
    const at = score.scorer.lastIndexOf("@");
    const judge = at >= 0 ? score.scorer.slice(0, at) : score.scorer;
    if (target !== null && score.scorer.slice(at + 1) !== target) continue;
    out[judge] = {
      status: score.status,
      label: score.label,
      value: score.value,
      explanation: score.explanation,
    };
  }
  return out;
}

/** Quotes a CSV field when it needs it (RFC 4180). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text =
    typeof value === "string"
      ? value
      : typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : JSON.stringify(value);
  // A leading = + - @ would be run as a formula by spreadsheets; prefix a quote so it stays text.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV header and row encoder for export rows, given the judge names to lay out as columns. */
export function csvColumns(judges: readonly string[]): { header: string; encode(row: ExportRow): string } {
  const columns = [
    "run_id",
    "case_id",
    "target",
    "user_turns",
    "status",
    "error",
    "expected",
    "final_answer",
  ];
  for (const judge of judges) columns.push(`${judge}_status`, `${judge}_label`, `${judge}_value`);
  return {
    header: columns.join(","),
    encode(row) {
      const cells: unknown[] = [
        row.runId,
        row.caseId,
        row.target,
        row.userTurns,
        row.status,
        row.error,
        row.labels.expected,
        row.finalAnswer,
      ];
      for (const judge of judges) {
        const score = row.scores[judge];
        cells.push(score?.status, score?.label, score?.value);
      }
      return cells.map(csvField).join(",");
    },
  };
}
