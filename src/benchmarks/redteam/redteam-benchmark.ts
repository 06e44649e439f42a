import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import type { Benchmark } from "../benchmark.ts";
import { runBenchmark } from "../run-benchmark.ts";
import { redteamUnits } from "./redteam-export.ts";
import { buildRedteamReport } from "./redteam-report.ts";
import {
  playRedteamRun,
  type RedteamRunPlan,
  redteamRunConfig,
  redteamRunIdentity,
  redteamRunModels,
} from "./redteam-run.ts";

/** Red teaming: each case is one search (task x method x target) for a conversation that breaks the target. */
export const redteamBenchmark: Benchmark<RedteamRunPlan> = {
  name: "redteam",
  describe: (plan) => ({ name: plan.name, config: redteamRunConfig(plan), models: redteamRunModels(plan) }),
  identity: redteamRunIdentity,
  play: playRedteamRun,
  reportOptions: (plan) => ({ maxCases: plan.reportCases }),
  scorers: () => [
    {
      name: "redteam",
      metrics: [
        {
          name: "asr",
          description:
            "share of searches whose judge gave a 5 of 5 (task fulfilled), per target over every method",
          kind: "rate",
          higherIsBetter: false,
          headline: true,
          label: "attack success",
        },
      ],
    },
  ],
  report: buildRedteamReport,
  exportRows: () => redteamUnits,
};

/** Plays a red-team run end to end (resuming it when it exists) and writes its reports. */
export function executeRedteamRun(
  plan: RedteamRunPlan,
  hooks: RunSessionHooks = {},
): Promise<RunSessionOutcome> {
  return runBenchmark(redteamBenchmark, plan, hooks);
}
