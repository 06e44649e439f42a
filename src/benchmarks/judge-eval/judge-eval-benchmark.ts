import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import type { Benchmark } from "../benchmark.ts";
import { runBenchmark } from "../run-benchmark.ts";
import { judgeEvalUnits } from "./judge-eval-export-units.ts";
import { buildJudgeEvalReport } from "./judge-eval-report.ts";
import { type JudgeEvalPlan, judgeEvalIdentity, judgeEvalModels, playJudgeEval } from "./run-judge-eval.ts";

/**
 * Judge evaluation (`turnsafe judge eval`): every judge over every human-labelled answer; the
 * report gives agreement (accuracy, precision, recall, F1, kappa, ROC-AUC), per category, threshold
 * sweeps, cost, latency and the disagreements.
 */
export const judgeEvalBenchmark: Benchmark<JudgeEvalPlan> = {
  name: "judge-eval",
  describe: (plan) => ({ name: plan.name, config: plan.config, models: judgeEvalModels(plan) }),
  identity: judgeEvalIdentity,
  play: playJudgeEval,
  reportOptions: (plan) => ({ maxCases: plan.reportCases, imageBaseDir: plan.imageBaseDir }),
  // Agreement with human labels is shown in the report's own tables; no metric a CI gate reads.
  scorers: () => [],
  report: buildJudgeEvalReport,
  exportRows: (run) => judgeEvalUnits(run.config),
};

/** Runs an evaluation end to end (resuming a killed one) and writes its HTML and JSON reports. */
export function executeJudgeEval(
  plan: JudgeEvalPlan,
  hooks: RunSessionHooks = {},
): Promise<RunSessionOutcome> {
  return runBenchmark(judgeEvalBenchmark, plan, hooks);
}
