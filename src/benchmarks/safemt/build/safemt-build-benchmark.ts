import type { Benchmark } from "../../benchmark.ts";
import { builtUnits } from "./built-export-units.ts";
import { buildSafemtBuildReport } from "./built-report.ts";
import { builtScorers } from "./built-scorers.ts";
import {
  playSafemtBuild,
  type SafemtBuildPlan,
  safemtBuildConfig,
  safemtBuildIdentity,
  writeBuildOutput,
} from "./safemt-build-play.ts";

/**
 * Building SafeMT data (`turnsafe safemt build`): the attacker writes each sample at each
 * length, the validator checks it; the run's output is SafeMT's data files (written by
 * `finish` before the run completes), reported and exported like any benchmark's run.
 */
export const safemtBuildBenchmark: Benchmark<SafemtBuildPlan> = {
  name: "safemt-build",
  scorers: builtScorers,
  describe: (plan) => ({ name: "safemt-build", config: safemtBuildConfig(plan), models: [plan.attacker] }),
  identity: safemtBuildIdentity,
  play: playSafemtBuild,
  finish: writeBuildOutput,
  reportOptions: (plan) => ({ maxCases: plan.reportCases }),
  report: buildSafemtBuildReport,
  exportRows: (run) => {
    const attacker = (run.config as { attacker?: unknown } | null)?.attacker;
    return builtUnits(typeof attacker === "string" ? attacker : null);
  },
};
