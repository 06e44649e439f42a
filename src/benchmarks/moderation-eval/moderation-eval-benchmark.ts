import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import type { Benchmark } from "../benchmark.ts";
import { runBenchmark } from "../run-benchmark.ts";
import { moderationUnits } from "./moderation-export-units.ts";
import { buildModerationReport } from "./moderation-report.ts";
import { moderationScorers } from "./moderation-scorers.ts";
import {
  type ModerationEvalPlan,
  moderationEvalIdentity,
  moderationEvalModels,
  playModerationEval,
} from "./run-moderation-eval.ts";

/**
 * Moderation evaluation (`turnsafe moderate eval`): every moderator over every labelled case,
 * with the policy-flip check; the report gives precision / recall / F1 per side and dimension.
 */
export const moderationEvalBenchmark: Benchmark<ModerationEvalPlan> = {
  name: "moderation-eval",
  scorers: moderationScorers,
  describe: (plan) => ({ name: plan.name, config: plan.config, models: moderationEvalModels(plan) }),
  identity: moderationEvalIdentity,
  play: playModerationEval,
  reportOptions: (plan) => ({ maxCases: plan.reportCases ?? 100 }),
  report: buildModerationReport,
  exportRows: () => moderationUnits,
};

/** Runs an evaluation end to end (resuming a killed one) and writes its HTML and JSON reports. */
export function executeModerationEval(
  plan: ModerationEvalPlan,
  hooks: RunSessionHooks = {},
): Promise<RunSessionOutcome> {
  return runBenchmark(moderationEvalBenchmark, plan, hooks);
}
