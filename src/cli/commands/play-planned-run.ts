import { countDialogueLines } from "../../dialogue/count-lines.ts";
import type { PlannedRun } from "../../recipes/plan-dialogue-run.ts";
import { executeDialogueRun } from "../../recipes/run-dialogues.ts";
import { EXIT } from "../exit-codes.ts";
import { onInterrupt } from "../interrupt.ts";
import type { Output } from "../output.ts";
import { ProgressBar } from "../progress-bar.ts";

/** Runs a planned dialogue run with progress, Ctrl-C handling and a summary; returns the exit code. */
export async function playPlannedRun(planned: PlannedRun, output: Output): Promise<number> {
  const { plan } = planned;
  const interrupt = onInterrupt(output.note);
  const total = plan.dataIdentity.startsWith("file:")
    ? await countDialogueLines(plan.dataIdentity.slice(5))
    : undefined;
  const progress = new ProgressBar({ total, quiet: output.quiet });
  try {
    const outcome = await executeDialogueRun(plan, {
      signal: interrupt.signal,
      onProgress: (value) => progress.update(value),
      onCall: (event) => progress.call(event),
      onStart: (run, resumed) => {
        if (run.simulator)
          output.note("note: this run uses the turnsafe simulator (scripted replies, not a model)");
        output.note(`${resumed ? "resuming" : "starting"} run ${run.id} (store ${plan.storePath})`);
      },
    });
    progress.stop();
    const { run, counts } = outcome;
    const summary = {
      runId: run.id,
      status: run.status,
      simulator: run.simulator,
      resumed: outcome.resumed,
      interrupted: outcome.interrupted,
      cases: counts,
      report: { html: outcome.reportHtml, json: outcome.reportJson },
      store: plan.storePath,
    };
    const lines = [
      `run ${run.id}: ${run.status}${run.simulator ? " (simulator)" : ""}`,
      `cases: ${counts.done} done, ${counts.errored} errored, ${counts.pending} pending`,
      `report: ${outcome.reportHtml}`,
    ];
    if (outcome.interrupted) lines.push("interrupted: rerun the same command to resume");
    output.result(summary, lines.join("\n"));
    if (outcome.interrupted) return EXIT.interrupted;
    return counts.errored > 0 ? EXIT.erroredCases : EXIT.ok;
  } finally {
    progress.stop();
    interrupt.dispose();
    await planned.close();
  }
}
