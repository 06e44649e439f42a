import type { StoredBenchmark } from "../../benchmark.ts";
import { builtUnits } from "./built-export-units.ts";
import { buildSafemtBuildReport } from "./built-report.ts";

/**
 * Building SafeMT data (`turnsafe safemt build`): its runs are reported and exported like any
 * benchmark's. It is played by buildSafemt (build-safemt.ts), whose output is data files.
 */
export const safemtBuildBenchmark: StoredBenchmark = {
  name: "safemt-build",
  report: buildSafemtBuildReport,
  exportRows: (run) => {
    const attacker = (run.config as { attacker?: unknown } | null)?.attacker;
    return builtUnits(typeof attacker === "string" ? attacker : null);
  },
};
