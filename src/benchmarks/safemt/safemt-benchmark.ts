import type { Benchmark } from "../benchmark.ts";
import { dialogueUnits } from "../dialogues/dialogue-export-units.ts";
import { dialoguesBenchmark } from "../dialogues/dialogues-benchmark.ts";
import type { DialogueRunPlan } from "../dialogues/run-dialogues.ts";
import { buildSafemtReport } from "./safemt-report.ts";
import { safemtScorers } from "./safemt-scorers.ts";

/**
 * SafeMT: every sample replayed with its static history against every target under every
 * defence (a dialogue-suite plan built by planSafemtRun), judged by the SafeMT judge; the
 * report gives ASR per length, the Safety Index and ASR per scenario.
 */
export const safemtBenchmark: Benchmark<DialogueRunPlan> = {
  ...dialoguesBenchmark,
  name: "safemt",
  scorers: safemtScorers,
  report: buildSafemtReport,
  exportRows: () => dialogueUnits,
};
