import { storeLabel } from "../../engine/open-store.ts";
import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import { describeTargetOutcome } from "../../reports/target-outcomes.ts";
import type { ThresholdRule } from "../../reports/thresholds.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { ProgressBar } from "../progress-bar.ts";
import { presentResults } from "../run-results.ts";
import { unusableRun } from "./unusable-run.ts";

/** What a command adds to the common run summary. */
export interface RunPresentation<Outcome extends RunSessionOutcome> {
  storePath: string;
  /** Cases expected, for the progress bar, when known up front or once counted (a promise). */
  total?: number | PromiseLike<number | undefined>;
  signal: AbortSignal;
  /** Wait for another command playing the same run instead of refusing (--wait). */
  wait?: boolean;
  /** Extra fields of the --json summary. */
  json?: (outcome: Outcome) => Record<string, unknown>;
  /** Extra human lines, shown before the report path. */
  lines?: (outcome: Outcome) => string[];
  /** CI gate rules (`--fail-on`, `thresholds:`): a crossed rule exits EXIT.thresholdCrossed. */
  gate?: ThresholdRule[];
}

/**
 * Plays a run with a progress bar and the usual notes, then prints its summary (one JSON object
 * with --json) and the results table, and returns the exit code: interrupted 130, a crossed
 * gate rule 4; 3 when cases errored, no case was played or most scores are unparsed or errored
 * (with a warning on stderr); else 0.
 */
export async function presentRun<Outcome extends RunSessionOutcome>(
  output: Output,
  presentation: RunPresentation<Outcome>,
  execute: (hooks: RunSessionHooks) => Promise<Outcome>,
): Promise<number> {
  const progress = new ProgressBar({ total: presentation.total, quiet: output.quiet });
  try {
    const outcome = await execute({
      signal: presentation.signal,
      onProgress: (value) => progress.update(value),
      onCall: (event) => progress.call(event),
      onExecutor: (executor) => progress.watch(() => executor.stats()),
      wait: presentation.wait,
      onWait: (holder) =>
        output.note(
          `run is being played by pid ${holder.owner.pid} on ${holder.owner.host} since ${holder.acquiredAt}; waiting for it to finish`,
        ),
      onStart: (run, resumed) => {
        if (run.simulator)
          output.note("note: this run uses the turnsafe simulator (scripted replies, not a model)");
        output.note(
          `${resumed ? "resuming" : "starting"} run ${run.id} (store ${storeLabel(presentation.storePath)})`,
        );
      },
    });
    progress.stop();
    const { run, counts } = outcome;
    const results = presentResults(outcome.reportJson, presentation.gate ?? []);
    const lines = [
      `run ${run.id}: ${run.status}${run.simulator ? " (simulator)" : ""}`,
      `cases: ${counts.done} done, ${counts.errored} errored, ${counts.pending} pending`,
      ...outcome.targets.map((target) => `  ${target.target}: ${describeTargetOutcome(target)}`),
      ...(presentation.lines?.(outcome) ?? []),
      ...results.lines,
      `report: ${outcome.reportHtml}`,
    ];
    if (outcome.interrupted) lines.push("interrupted: rerun the same command to resume");
    output.result(
      {
        runId: run.id,
        status: run.status,
        simulator: run.simulator,
        resumed: outcome.resumed,
        interrupted: outcome.interrupted,
        cases: counts,
        targets: outcome.targets,
        scores: outcome.scores,
        ...presentation.json?.(outcome),
        ...results.json,
        report: { html: outcome.reportHtml, json: outcome.reportJson },
        store: storeLabel(presentation.storePath),
      },
      lines.join("\n"),
    );
    if (outcome.interrupted) return EXIT.interrupted;
    const unusable = unusableRun(outcome);
    if (unusable) output.warn(unusable);
    if (results.gateFailed) return EXIT.thresholdCrossed;
    return counts.errored > 0 || unusable ? EXIT.erroredCases : EXIT.ok;
  } finally {
    progress.stop();
  }
}
