import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import type { Benchmark } from "../benchmark.ts";
import { runBenchmark } from "../run-benchmark.ts";
import { mtmcsUnits } from "./mtmcs-export-units.ts";
import { buildMtmcsReport } from "./mtmcs-report.ts";
import {
  type MtmcsRunPlan,
  mtmcsRunConfig,
  mtmcsRunIdentity,
  mtmcsRunModels,
  playMtmcsRun,
} from "./mtmcs-run.ts";
import { mtmcsScorers } from "./mtmcs-scorers.ts";

/**
 * MTMCS-Bench: each row played live on every arm (target x defence), intent questions and the
 * rubric judge stored as scores; the report gives intent accuracy and SA / helpfulness means.
 */
export const mtmcsBenchmark: Benchmark<MtmcsRunPlan> = {
  name: "mtmcs",
  scorers: () => mtmcsScorers(),
  describe: (plan) => ({ name: plan.name, config: mtmcsRunConfig(plan), models: mtmcsRunModels(plan) }),
  identity: mtmcsRunIdentity,
  play: playMtmcsRun,
  reportOptions: (plan) => ({ maxCases: plan.reportCases }),
  report: buildMtmcsReport,
  exportRows: () => mtmcsUnits,
};

/** Plays an MTMCS run end to end (resuming it when it exists) and writes its reports. */
export function executeMtmcsRun(plan: MtmcsRunPlan, hooks: RunSessionHooks = {}): Promise<RunSessionOutcome> {
  return runBenchmark(mtmcsBenchmark, plan, hooks);
}
