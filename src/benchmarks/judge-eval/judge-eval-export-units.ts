import type { ExportUnit, ExportUnits } from "../../reports/export-rows.ts";
import { goldOf } from "./gold-labels.ts";
import { taskOf } from "./judge-eval-report.ts";
import { readVerdict } from "./read-verdict.ts";
import type { JudgeEvalCaseResult } from "./run-judge-eval.ts";

/** Judge evaluation: one unit per judge; its verdict is the score row, the human label the expectation. */
export function judgeEvalUnits(config: unknown): ExportUnits {
  const task = taskOf(config);
  return (record) => {
    const result = record.result as Partial<JudgeEvalCaseResult> | null;
    const gold = goldOf(record.dialogue);
    return Object.entries(result?.judges ?? {}).map(([label, outcome]): ExportUnit => {
      const reading = readVerdict(outcome, task);
      return {
        target: label,
        error: outcome.status === "errored" ? (outcome.explanation ?? "judge errored") : null,
        answers: [],
        expected: gold ? gold.value : null,
        details: {
          task,
          goldPositive: gold?.positive ?? null,
          predictedPositive: reading.predicted,
          score: reading.score,
          agrees: reading.predicted === null ? null : reading.predicted === gold?.positive,
          latencyMs: Math.round(outcome.latencyMs),
          costUsd: outcome.usage.costUsd,
        },
      };
    });
  };
}
