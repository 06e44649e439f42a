import { judgeConfigFromSpec } from "../../config/judge-spec.ts";
import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import type { Benchmark } from "../benchmark.ts";
import { dialogueUnits } from "../dialogues/dialogue-export-units.ts";
import { buildDialogueReport } from "../dialogues/dialogue-report.ts";
import { dialogueScorers } from "../dialogues/dialogue-scorers.ts";
import { runBenchmark } from "../run-benchmark.ts";
import {
  type JudgeScorePlan,
  judgeScoreIdentity,
  judgeScoreModels,
  playJudgeScore,
} from "./run-judge-score.ts";

/**
 * Scoring given answers (`turnsafe judge score`): judges read transcripts whose answers are
 * already there, no target is called. Stored like a dialogue run (answers under `given`), so its
 * report, export and figures are the dialogue suite's.
 */
export const judgeScoreBenchmark: Benchmark<JudgeScorePlan> = {
  name: "judge-score",
  describe: (plan) => ({ name: plan.name, config: plan.config, models: judgeScoreModels(plan) }),
  identity: judgeScoreIdentity,
  play: playJudgeScore,
  reportOptions: (plan) => ({
    maxCases: plan.reportCases,
    imageBaseDir: plan.imageBaseDir,
    breakdown: plan.breakdown,
  }),
  report: (store, runId, options) =>
    buildDialogueReport(store, runId, {
      ...options,
      title: `turnsafe judge score ${store.getRun(runId)?.name ?? runId}`,
    }),
  exportRows: () => dialogueUnits,
  // The dialogue suite's scorers, from the `--judge` specs stored with the run.
  scorers: (run) => {
    const config = run.config as { judges?: unknown } | null;
    const specs = Array.isArray(config?.judges) ? config.judges : [];
    const judges = specs.flatMap((spec, index) => {
      try {
        return typeof spec === "string" ? [judgeConfigFromSpec(spec, `--judge ${index + 1}`)] : [];
      } catch {
        return [];
      }
    });
    return dialogueScorers({ config: { ...config, judges } });
  },
};

/** Scores the transcripts end to end (resuming a killed run) and writes the reports. */
export function executeJudgeScore(
  plan: JudgeScorePlan,
  hooks: RunSessionHooks = {},
): Promise<RunSessionOutcome> {
  return runBenchmark(judgeScoreBenchmark, plan, hooks);
}
