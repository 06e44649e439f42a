import { countDialogueLines } from "../../dialogue/count-lines.ts";
import type { PlannedRun } from "../../recipes/plan-dialogue-run.ts";
import { executeDialogueRun } from "../../recipes/run-dialogues.ts";
import { onInterrupt } from "../interrupt.ts";
import type { Output } from "../output.ts";
import { presentRun } from "./present-run.ts";

/** Runs a planned dialogue run with progress, Ctrl-C handling and a summary; returns the exit code. */
export async function playPlannedRun(planned: PlannedRun, output: Output): Promise<number> {
  const { plan } = planned;
  const interrupt = onInterrupt(output.note);
  try {
    const shown = planned.warnings.slice(0, 20);
    for (const warning of shown) output.note(`warning: ${warning}`);
    if (planned.warnings.length > shown.length)
      output.note(`warning: ... and ${planned.warnings.length - shown.length} more`);
    const total = planned.total ?? (plan.dataFile ? await countDialogueLines(plan.dataFile) : undefined);
    return await presentRun(output, { storePath: plan.storePath, total, signal: interrupt.signal }, (hooks) =>
      executeDialogueRun(plan, hooks),
    );
  } finally {
    interrupt.dispose();
    await planned.close();
  }
}
