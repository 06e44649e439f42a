import { countDialogueLines } from "../../dialogue/count-lines.ts";
import type { PlannedRun } from "../../recipes/plan-dialogue-run.ts";
import { executeDialogueRun } from "../../recipes/run-dialogues.ts";
import { onInterrupt } from "../interrupt.ts";
import type { Output } from "../output.ts";
import { presentRun } from "./present-run.ts";

/**
 * Runs a planned dialogue run with progress, Ctrl-C handling and a summary; returns the exit code.
 * `wait`: when another command is playing the same run, wait for it instead of refusing.
 */
export async function playPlannedRun(
  planned: PlannedRun,
  output: Output,
  options: { wait?: boolean } = {},
): Promise<number> {
  const { plan } = planned;
  const interrupt = onInterrupt(output.note);
  try {
    const total = plan.dataFile ? await countDialogueLines(plan.dataFile) : undefined;
    return await presentRun(
      output,
      { storePath: plan.storePath, total, signal: interrupt.signal, wait: options.wait },
      (hooks) => executeDialogueRun(plan, hooks),
    );
  } finally {
    interrupt.dispose();
    await planned.close();
  }
}
