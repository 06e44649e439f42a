import { dialoguesBenchmark, executeDialogueRun } from "../../benchmarks/dialogues/dialogues-benchmark.ts";
import type { PlannedRun } from "../../benchmarks/dialogues/plan-dialogue-run.ts";
import { countDialogueLines } from "../../dialogue/count-lines.ts";
import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import { gateRules, plannedScorers, validateGate } from "../fail-on.ts";
import { onInterrupt } from "../interrupt.ts";
import type { Output } from "../output.ts";
import { presentRun } from "./present-run.ts";

/**
 * Runs a planned dialogue run with progress, Ctrl-C handling, a summary with the results table
 * and the CI gate (`thresholds` from the config, then `--fail-on` rules); returns the exit code.
 * Gate rules naming an unknown judge or metric fail before anything runs.
 * `wait`: when another command is playing the same run, wait for it instead of refusing.
 */
export async function playPlannedRun(
  planned: PlannedRun,
  output: Output,
  gate: {
    thresholds?: readonly string[];
    failOn?: readonly string[];
    wait?: boolean;
    /** How the run is played (default: in this process; `run --distributed`: through workers). */
    execute?: (plan: PlannedRun["plan"], hooks: RunSessionHooks) => Promise<RunSessionOutcome>;
  } = {},
): Promise<number> {
  const { plan } = planned;
  const interrupt = onInterrupt(output.note);
  try {
    const rules = gateRules(gate.thresholds ?? [], gate.failOn ?? []);
    validateGate(
      rules,
      plannedScorers(dialoguesBenchmark, plan),
      plan.targets.map((target) => target.id),
    );
    // The total is counted while the run already plays (the progress line shows it once known).
    const total = plan.dataFile
      ? countDialogueLines(plan.dataFile).then((lines) =>
          lines === undefined ? undefined : Math.min(lines, planned.limit ?? lines) * (plan.repeat ?? 1),
        )
      : undefined;
    return await presentRun(
      output,
      { storePath: plan.storePath, total, signal: interrupt.signal, gate: rules, wait: gate.wait },
      (hooks) => (gate.execute ?? executeDialogueRun)(plan, hooks),
    );
  } finally {
    // Found while the data streamed (e.g. invalid UTF-8 replaced), naming file:line.
    const shown = planned.warnings.slice(0, 20);
    for (const warning of shown) output.note(`warning: ${warning}`);
    if (planned.warnings.length > shown.length)
      output.note(`warning: ... and ${planned.warnings.length - shown.length} more`);
    interrupt.dispose();
    await planned.close();
  }
}
