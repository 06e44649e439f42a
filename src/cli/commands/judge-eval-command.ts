import { executeJudgeEval } from "../../benchmarks/judge-eval/judge-eval-benchmark.ts";
import { type JudgeEvalSummary, summariseJudgeEval } from "../../benchmarks/judge-eval/judge-eval-summary.ts";
import { planJudgeEval } from "../../benchmarks/judge-eval/plan-judge-eval.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { InputError } from "../../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { ProgressBar } from "../progress-bar.ts";
import { type EvalFlags, shared } from "./judge-flags.ts";

const list = (value: string | undefined) =>
  value
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** `turnsafe judge eval`: plays the evaluation, prints the figures per judge; returns the exit code. */
export async function runJudgeEval(flags: EvalFlags): Promise<number> {
  const output = createOutput(flags);
  if (flags.task !== "harm" && flags.task !== "refusal")
    throw new InputError("must be harm or refusal", "--task");
  if (!["auto", "jsonl", "csv", "behaviours"].includes(flags.format))
    throw new InputError("must be auto, jsonl, csv or behaviours", "--format");
  if (!["error", "positive", "negative"].includes(flags.ties))
    throw new InputError("must be error, positive or negative", "--ties");
  const planned = await planJudgeEval(
    {
      data: flags.data,
      ...shared(flags),
      task: flags.task,
      format: flags.format as "auto",
      promptCol: flags.promptCol,
      responseCol: flags.responseCol,
      labelCol: flags.labelCol,
      categoryCol: flags.categoryCol,
      idCol: flags.idCol,
      labelFields: list(flags.labelFields),
      positiveValues: list(flags.positiveValues),
      negativeValues: list(flags.negativeValues),
      ties: flags.ties as "error",
    },
    { env: process.env, baseDir: process.cwd() },
  );
  const interrupt = onInterrupt(output.note);
  const progress = new ProgressBar({ quiet: output.quiet });
  try {
    const outcome = await executeJudgeEval(planned.plan, {
      signal: interrupt.signal,
      onProgress: (value) => progress.update(value),
      onCall: (event) => progress.call(event),
      onStart: (run, resumed) => {
        if (run.simulator)
          output.note("note: this evaluation uses the turnsafe simulator (scripted replies, not a model)");
        output.note(`${resumed ? "resuming" : "starting"} run ${run.id} (store ${planned.plan.storePath})`);
      },
    });
    progress.stop();
    const store = new SqliteStore(planned.plan.storePath);
    let summary: JudgeEvalSummary;
    try {
      summary = summariseJudgeEval(store.iterateCases(outcome.run.id), planned.plan.task);
    } finally {
      store.close();
    }
    const lines = [
      `run ${outcome.run.id}: ${outcome.run.status}${outcome.run.simulator ? " (simulator)" : ""}`,
      ...describeSummary(summary),
      `report: ${outcome.reportHtml}`,
    ];
    if (outcome.interrupted) lines.push("interrupted: rerun the same command to resume");
    output.result(
      {
        runId: outcome.run.id,
        status: outcome.run.status,
        simulator: outcome.run.simulator,
        resumed: outcome.resumed,
        interrupted: outcome.interrupted,
        cases: outcome.counts,
        ...summary,
        report: { html: outcome.reportHtml, json: outcome.reportJson },
        store: planned.plan.storePath,
      },
      lines.join("\n"),
    );
    if (outcome.interrupted) return EXIT.interrupted;
    // Like a run whose scores are mostly unparsed or errored: a judge without most verdicts is no measurement.
    const unusable = summary.judges.filter(
      (judge) => judge.overall.noVerdict.unparsed + judge.overall.noVerdict.errored > judge.overall.items / 2,
    );
    for (const judge of unusable)
      output.warn(
        `${judge.label} gave no verdict on ${judge.overall.noVerdict.unparsed} unparsed and ${judge.overall.noVerdict.errored} errored of ${judge.overall.items} items; its figures say little`,
      );
    return outcome.counts.errored > 0 || unusable.length > 0 ? EXIT.erroredCases : EXIT.ok;
  } finally {
    progress.stop();
    interrupt.dispose();
    await planned.close();
  }
}

function describeSummary(summary: JudgeEvalSummary): string[] {
  const percent = (value: number | null) => (value === null ? "—" : `${(value * 100).toFixed(1)}%`);
  const fixed = (value: number | null) => (value === null ? "—" : value.toFixed(3));
  return [
    `${summary.items} items (${summary.positives} positive, ${summary.negatives} negative; task ${summary.task})`,
    ...summary.judges.map((judge) => {
      const o = judge.overall;
      return `${judge.label}: accuracy ${percent(o.accuracy)}, precision ${percent(o.precision)}, recall ${percent(o.recall)}, F1 ${percent(o.f1)}, kappa ${fixed(o.kappa)}${judge.graded ? `, ROC-AUC ${fixed(judge.rocAuc)}` : ""}; ${o.noVerdict.unparsed} unparsed, ${o.noVerdict.errored} errored; p50 ${judge.latencyMs.p50?.toFixed(1) ?? "—"} ms, $${judge.usage.costUsd.toFixed(4)}`;
    }),
    `${summary.disagreements.length + summary.disagreementsOmitted} disagreements (listed in the report and --json)`,
  ];
}
