import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import type { Benchmark } from "../benchmark.ts";
import { runBenchmark } from "../run-benchmark.ts";
import { dialogueUnits } from "./dialogue-export-units.ts";
import { buildDialogueReport } from "./dialogue-report.ts";
import { dialogueScorers } from "./dialogue-scorers.ts";
import {
  type DialogueRunPlan,
  dialogueRunIdentity,
  dialogueRunModels,
  playDialogueRun,
} from "./run-dialogues.ts";

/**
 * The generic dialogue suite (`turnsafe run`, `quickstart`): dialogues from a JSONL file or the
 * built-in suite, each played against every target (replayed or live), every judge scoring each
 * target's transcript; the report breaks rates down by metadata.
 */
export const dialoguesBenchmark: Benchmark<DialogueRunPlan> = {
  name: "dialogues",
  scorers: dialogueScorers,
  describe: (plan) => ({ name: plan.name, config: plan.config, models: dialogueRunModels(plan) }),
  identity: dialogueRunIdentity,
  play: playDialogueRun,
  reportOptions: (plan) => ({
    maxCases: plan.reportCases,
    imageBaseDir: plan.imageBaseDir,
    breakdown: plan.breakdown,
  }),
  report: buildDialogueReport,
  exportRows: () => dialogueUnits,
};

/** Plays a dialogue run end to end (resuming it when it exists) and writes its reports. */
export function executeDialogueRun(
  plan: DialogueRunPlan,
  hooks: RunSessionHooks = {},
): Promise<RunSessionOutcome> {
  return runBenchmark(dialoguesBenchmark, plan, hooks);
}
