import { executeJudgeScore } from "../../benchmarks/judge-score/judge-score-benchmark.ts";
import { planJudgeScore } from "../../benchmarks/judge-score/plan-judge-score.ts";
import { GIVEN } from "../../benchmarks/judge-score/run-judge-score.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { checkBreakdownKeys } from "../../reports/breakdown-table.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { type ScoreFlags, shared } from "./judge-flags.ts";
import { presentRun } from "./present-run.ts";

/** `turnsafe judge score`: judges the given answers, prints one row per answer and judge; returns the exit code. */
export async function runJudgeScore(file: string, flags: ScoreFlags): Promise<number> {
  const output = createOutput(flags);
  const planned = await planJudgeScore(
    {
      data: file,
      ...shared(flags),
      breakdown: flags.breakdown && checkBreakdownKeys(flags.breakdown, "--breakdown"),
    },
    { env: process.env, baseDir: process.cwd() },
  );
  const interrupt = onInterrupt(output.note);
  try {
    return await presentRun(
      output,
      {
        storePath: planned.plan.storePath,
        total: planned.total,
        signal: interrupt.signal,
        json: (outcome) => ({ rows: scoreRows(planned.plan.storePath, outcome.run.id) }),
        lines: (outcome) =>
          scoreRows(planned.plan.storePath, outcome.run.id).map(
            (row) =>
              `  ${row.id} · ${row.judge}: ${row.status === "ok" ? `${row.label ?? "no label"}${row.value === null ? "" : ` (${row.value})`}` : row.status}`,
          ),
      },
      (hooks) => executeJudgeScore(planned.plan, hooks),
    );
  } finally {
    interrupt.dispose();
    await planned.close();
  }
}

/** One output row per transcript and judge, from the store. */
function scoreRows(storePath: string, runId: string) {
  const store = new SqliteStore(storePath);
  try {
    return [...store.iterateScores(runId)].map((score) => ({
      id: score.caseId,
      judge: score.scorer.endsWith(`@${GIVEN}`) ? score.scorer.slice(0, -GIVEN.length - 1) : score.scorer,
      status: score.status,
      label: score.label,
      value: score.value,
      explanation: score.explanation,
    }));
  } finally {
    store.close();
  }
}
