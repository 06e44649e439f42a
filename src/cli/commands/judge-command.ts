import type { Command } from "commander";
import { executeJudgeEval } from "../../benchmarks/judge-eval/judge-eval-benchmark.ts";
import { type JudgeEvalSummary, summariseJudgeEval } from "../../benchmarks/judge-eval/judge-eval-summary.ts";
import { planJudgeEval } from "../../benchmarks/judge-eval/plan-judge-eval.ts";
import { executeJudgeScore } from "../../benchmarks/judge-score/judge-score-benchmark.ts";
import { planJudgeScore } from "../../benchmarks/judge-score/plan-judge-score.ts";
import { GIVEN } from "../../benchmarks/judge-score/run-judge-score.ts";
import { JUDGE_SPEC_HELP } from "../../config/judge-spec.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { InputError } from "../../errors.ts";
import { checkBreakdownKeys } from "../../reports/breakdown-table.ts";
import { EXIT } from "../exit-codes.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { ProgressBar } from "../progress-bar.ts";
import { presentRun } from "./present-run.ts";
import { positiveInteger } from "./run-command.ts";
import { DEFAULT_REPORT_DIR, resolveStorePath } from "./store-option.ts";

interface CommonFlags {
  judge?: string[];
  judgesFile?: string;
  imageDir?: string;
  limit?: string;
  name?: string;
  store?: string;
  reportDir: string;
  concurrency: string;
  cache: boolean;
  retryErrors?: boolean;
  json?: boolean;
  quiet?: boolean;
}

interface EvalFlags extends CommonFlags {
  data: string;
  task: string;
  format: string;
  promptCol?: string;
  responseCol?: string;
  labelCol?: string;
  categoryCol?: string;
  idCol?: string;
  labelFields?: string;
  positiveValues?: string;
  negativeValues?: string;
  ties: string;
}

interface ScoreFlags extends CommonFlags {
  breakdown?: string[];
}

const list = (value: string | undefined) =>
  value
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** `turnsafe judge score|eval`: score given answers with judges, or measure judges against human labels. */
export function registerJudgeCommand(program: Command): void {
  const judge = program
    .command("judge")
    .description("Score given answers with judges, or check judges against human labels");
  common(
    judge
      .command("score")
      .description(
        "Judge transcripts whose answers are already there (no target is called); resumes when rerun",
      )
      .argument("<transcripts>", "JSONL dialogues, each ending with the assistant answer to judge")
      .option("--breakdown <key...>", "metadata keys the report breaks rates down by (default: category)"),
  ).action(async (file: string, flags: ScoreFlags) => {
    process.exitCode = await runScore(file, flags);
  });
  common(
    judge
      .command("eval")
      .description("Measure judges side by side against human labels (resumes when rerun)")
      .requiredOption(
        "--data <file>",
        "labelled set: JSONL {messages, label, category?}, CSV/TSV/JSONL rows, or behaviour-keyed JSON",
      )
      .option(
        "--task <task>",
        "what the labels say: harm (positive: harmful answer) or refusal (positive: refusal)",
        "harm",
      )
      .option("--format <format>", "auto | jsonl | csv | behaviours", "auto")
      .option("--prompt-col <name>", "column (field) with the request")
      .option("--response-col <name>", "column (field) with the answer under judgement")
      .option("--label-col <name>", "column with the human label")
      .option("--category-col <name>", "column (field) with the category")
      .option("--id-col <name>", "column with a row id")
      .option(
        "--label-fields <list>",
        "behaviour-keyed JSON: comma-separated labeller fields (default human_0, human_1, ...)",
      )
      .option(
        "--positive-values <list>",
        "comma-separated label values of the positive class (others negative unless --negative-values)",
      )
      .option("--negative-values <list>", "comma-separated label values of the negative class")
      .option("--ties <rule>", "labellers split evenly: error | positive | negative", "error"),
  ).action(async (flags: EvalFlags) => {
    process.exitCode = await runEval(flags);
  });
}

function common(command: Command): Command {
  return command
    .option("--judge <spec...>", `judge(s): ${JUDGE_SPEC_HELP}`)
    .option(
      "--judges-file <yaml>",
      "more judges: a YAML list as in a run config's `judges` (custom regex, contains, rubric judges)",
    )
    .option(
      "--image-dir <dir>",
      "folder relative image paths are resolved against (default: the data file's)",
    )
    .option("--limit <n>", "only the first n items")
    .option("--name <name>", "run name (part of the run id)")
    .option("--store <file>", "SQLite store file")
    .option("--report-dir <dir>", "where reports are written", DEFAULT_REPORT_DIR)
    .option("--concurrency <n>", "items judged at once", "8")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--retry-errors", "re-run items that errored in an earlier session of this run")
    .option("--json", "print one JSON object with the results on stdout")
    .option("--quiet", "no progress or notes on stderr");
}

function shared(flags: CommonFlags) {
  return {
    judges: flags.judge ?? [],
    judgesFile: flags.judgesFile,
    imageDir: flags.imageDir,
    limit: flags.limit ? positiveInteger(flags.limit, "--limit") : undefined,
    name: flags.name,
    store: resolveStorePath(flags.store),
    reportDir: flags.reportDir,
    concurrency: positiveInteger(flags.concurrency, "--concurrency"),
    cache: flags.cache,
    retryErrored: flags.retryErrors,
  };
}

async function runScore(file: string, flags: ScoreFlags): Promise<number> {
  const output = createOutput(flags);
  const planned = await planJudgeScore(
    {
      data: file,
      ...shared(flags),
      breakdown: flags.breakdown && checkBreakdownKeys(flags.breakdown, "--breakdown"),
    },
    { env: process.env, baseDir: process.cwd() },
  );
  const interrupt = onInterrupt(output.note);
  try {
    return await presentRun(
      output,
      {
        storePath: planned.plan.storePath,
        total: planned.total,
        signal: interrupt.signal,
        json: (outcome) => ({ rows: scoreRows(planned.plan.storePath, outcome.run.id) }),
        lines: (outcome) =>
          scoreRows(planned.plan.storePath, outcome.run.id).map(
            (row) =>
              `  ${row.id} · ${row.judge}: ${row.status === "ok" ? `${row.label ?? "no label"}${row.value === null ? "" : ` (${row.value})`}` : row.status}`,
          ),
      },
      (hooks) => executeJudgeScore(planned.plan, hooks),
    );
  } finally {
    interrupt.dispose();
    await planned.close();
  }
}

/** One output row per transcript and judge, from the store. */
function scoreRows(storePath: string, runId: string) {
  const store = new SqliteStore(storePath);
  try {
    return [...store.iterateScores(runId)].map((score) => ({
      id: score.caseId,
      judge: score.scorer.endsWith(`@${GIVEN}`) ? score.scorer.slice(0, -GIVEN.length - 1) : score.scorer,
      status: score.status,
      label: score.label,
      value: score.value,
      explanation: score.explanation,
    }));
  } finally {
    store.close();
  }
}

async function runEval(flags: EvalFlags): Promise<number> {
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
