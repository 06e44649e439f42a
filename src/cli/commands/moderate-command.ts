import path from "node:path";
import type { Command } from "commander";
import { readMmdsDialogues } from "../../benchmarks/moderation-eval/mmds-loader.ts";
import {
  executeModerationEval,
  moderationEvalBenchmark,
} from "../../benchmarks/moderation-eval/moderation-eval-benchmark.ts";
import { summariseModeration } from "../../benchmarks/moderation-eval/moderation-summary.ts";
import { planModerationEval } from "../../benchmarks/moderation-eval/plan-moderation-eval.ts";
import { CallExecutor } from "../../engine/call-executor.ts";
import { openStore, storeLabel } from "../../engine/open-store.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { InputError } from "../../errors.ts";
import type { ModerationResult, Verdict } from "../../moderators/moderator.ts";
import { createModeratorFromSpec, MODERATOR_SPEC_HELP } from "../../moderators/moderator-spec.ts";
import { DEFAULT_POLICY, loadPolicyFile } from "../../moderators/policy.ts";
import { EXIT } from "../exit-codes.ts";
import { evaluateGate, failOnOption, gateJson, gateRules, plannedScorers, validateGate } from "../fail-on.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { ProgressBar } from "../progress-bar.ts";
import { readRunResults } from "../results-table.ts";
import { positiveInteger } from "./run-command.ts";
import { DEFAULT_REPORT_DIR, resolveStorePath } from "./store-option.ts";

interface EvalFlags {
  data: string;
  moderator: string[];
  policy?: string;
  format?: string;
  textColumn?: string;
  labelColumn?: string;
  unsafeValues?: string;
  idColumn?: string;
  imageDir?: string;
  limit?: string;
  name?: string;
  store?: string;
  reportDir: string;
  concurrency?: string;
  flip: boolean;
  cache: boolean;
  retryErrors?: boolean;
  json?: boolean;
  quiet?: boolean;
  failOn: string[];
}

interface CheckFlags {
  moderator: string;
  policy?: string;
  json?: boolean;
  quiet?: boolean;
}

/** `turnsafe moderate eval|check`: evaluates moderators on labelled data, or moderates dialogues once. */
export function registerModerateCommand(program: Command): void {
  const moderate = program.command("moderate").description("Evaluate moderators, or moderate dialogues once");
  moderate
    .command("eval")
    .description("Score moderators on MMDS-format dialogues or a labelled prompt set (resumes when rerun)")
    .requiredOption(
      "--data <file>",
      "MMDS-format JSONL, or a CSV/TSV/JSONL prompt set with a text and a label column",
    )
    .requiredOption("--moderator <spec...>", `moderator(s) to compare: ${MODERATOR_SPEC_HELP}`)
    .option("--policy <file>", "policy YAML (default: the eight built-in dimensions)")
    .option("--format <format>", "auto | mmds | prompts", "auto")
    .option("--text-column <name>", "prompt set: the column with the prompt")
    .option("--label-column <name>", "prompt set: the column with the label")
    .option(
      "--unsafe-values <list>",
      "prompt set: comma-separated label values meaning unsafe (others are safe)",
    )
    .option("--id-column <name>", "prompt set: the column with a row id")
    .option(
      "--image-dir <dir>",
      "folder relative image paths are resolved against (default: the data file's)",
    )
    .option("--limit <n>", "only the first n items")
    .option("--name <name>", "run name (part of the run id)")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--report-dir <dir>", "where reports are written", DEFAULT_REPORT_DIR)
    .option("--concurrency <n>", "dialogues moderated at once", "8")
    .option("--no-flip", "skip re-running unsafe items with their dimension removed from the policy")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--retry-errors", "re-run items that errored in an earlier session of this run")
    .option("--json", "print one JSON object with the metrics on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .option(...failOnOption("moderation user_f1 < 0.8"))
    .action(async (flags: EvalFlags) => {
      process.exitCode = await runEval(flags);
    });
  moderate
    .command("check")
    .description("Moderate the dialogue(s) in a JSON or JSONL file once and print the verdicts")
    .argument("<file>", "a dialogue as JSON, or dialogues as JSONL (turnsafe or MMDS format)")
    .requiredOption("--moderator <spec>", `the moderator: ${MODERATOR_SPEC_HELP}`)
    .option("--policy <file>", "policy YAML (default: the eight built-in dimensions)")
    .option("--json", "print one JSON object with the verdicts on stdout")
    .option("--quiet", "no notes on stderr")
    .action(async (file: string, flags: CheckFlags) => {
      process.exitCode = await runCheck(file, flags);
    });
}

async function runEval(flags: EvalFlags): Promise<number> {
  const output = createOutput(flags);
  if (!["auto", "mmds", "prompts"].includes(flags.format ?? "auto"))
    throw new InputError("must be auto, mmds or prompts", "--format");
  const planned = await planModerationEval(
    {
      data: flags.data,
      moderators: flags.moderator,
      format: flags.format as "auto" | "mmds" | "prompts",
      policyFile: flags.policy,
      textColumn: flags.textColumn,
      labelColumn: flags.labelColumn,
      unsafeValues: flags.unsafeValues
        ?.split(",")
        .map((value) => value.trim())
        .filter(Boolean),
      idColumn: flags.idColumn,
      imageDir: flags.imageDir,
      limit: flags.limit ? positiveInteger(flags.limit, "--limit") : undefined,
      name: flags.name,
      store: resolveStorePath(flags.store),
      reportDir: flags.reportDir,
      concurrency: positiveInteger(flags.concurrency ?? "8", "--concurrency"),
      cache: flags.cache,
      flipCheck: flags.flip,
      retryErrored: flags.retryErrors,
    },
    { env: process.env, baseDir: process.cwd() },
  );
  const rules = gateRules([], flags.failOn);
  try {
    validateGate(
      rules,
      plannedScorers(moderationEvalBenchmark, planned.plan),
      planned.plan.moderators.map((entry) => entry.label),
    );
  } catch (error) {
    await planned.close();
    throw error;
  }
  const interrupt = onInterrupt(output.note);
  const progress = new ProgressBar({ quiet: output.quiet });
  try {
    const outcome = await executeModerationEval(planned.plan, {
      signal: interrupt.signal,
      onProgress: (value) => progress.update(value),
      onCall: (event) => progress.call(event),
      onStart: (run, resumed) => {
        if (run.simulator)
          output.note("note: this evaluation uses the turnsafe simulator (scripted replies, not a model)");
        output.note(
          `${resumed ? "resuming" : "starting"} run ${run.id} (store ${storeLabel(planned.plan.storePath)})`,
        );
      },
    });
    progress.stop();
    const store = openStore(planned.plan.storePath);
    let summaries: ReturnType<typeof summariseModeration>;
    try {
      summaries = summariseModeration(store.iterateCases(outcome.run.id));
    } finally {
      store.close();
    }
    const lines = [
      `run ${outcome.run.id}: ${outcome.run.status}${outcome.run.simulator ? " (simulator)" : ""}`,
    ];
    for (const summary of summaries)
      for (const side of ["user", "assistant"] as const) {
        const scores = summary.sides[side];
        if (!scores) continue;
        const percent = (value: number | null) => (value === null ? "—" : `${(value * 100).toFixed(1)}%`);
        lines.push(
          `${summary.label} · ${side}: precision ${percent(scores.lenient.precision)}, recall ${percent(scores.lenient.recall)}, F1 ${percent(scores.lenient.f1)} (strict ${percent(scores.strict.f1)}), ${scores.noVerdict.unparsed} unparsed, ${scores.noVerdict.errored} errored`,
        );
      }
    const verdict = evaluateGate(rules, readRunResults(outcome.reportJson).figures);
    lines.push(...verdict.lines, `report: ${outcome.reportHtml}`);
    if (outcome.interrupted) lines.push("interrupted: rerun the same command to resume");
    output.result(
      {
        runId: outcome.run.id,
        status: outcome.run.status,
        simulator: outcome.run.simulator,
        resumed: outcome.resumed,
        interrupted: outcome.interrupted,
        promptSet: planned.promptSet,
        cases: outcome.counts,
        moderators: summaries,
        ...(rules.length > 0 ? { gate: gateJson(verdict) } : {}),
        report: { html: outcome.reportHtml, json: outcome.reportJson },
        store: storeLabel(planned.plan.storePath),
      },
      lines.join("\n"),
    );
    if (outcome.interrupted) return EXIT.interrupted;
    if (verdict.failures.length > 0) return EXIT.thresholdCrossed;
    return outcome.counts.errored > 0 ? EXIT.erroredCases : EXIT.ok;
  } finally {
    progress.stop();
    interrupt.dispose();
    await planned.close();
  }
}

async function runCheck(file: string, flags: CheckFlags): Promise<number> {
  const output = createOutput(flags);
  const resolved = path.resolve(file);
  const policy = flags.policy ? loadPolicyFile(path.resolve(flags.policy)) : DEFAULT_POLICY;
  const built = await createModeratorFromSpec(flags.moderator, {
    env: process.env,
    baseDir: process.cwd(),
    imageBaseDir: path.dirname(resolved),
  });
  // A throwaway store: the engine still retries, rate-limits and counts the calls.
  const store = new SqliteStore(":memory:");
  try {
    const executor = new CallExecutor({ store, runId: "check", prices: new PriceTable() });
    const results: ({ id: string } & ModerationResult)[] = [];
    for await (const dialogue of readMmdsDialogues(resolved, {
      requireLabels: false,
      customDimensions: flags.policy ? policy.dimensions : [],
    })) {
      const result = await built.moderator.moderate(dialogue, policy, executor.forCase(dialogue.id));
      results.push({ id: dialogue.id, ...result });
    }
    const human = results
      .map((result) =>
        [
          `${result.id}: ${result.status}${result.error ? ` (${result.error})` : ""}`,
          `  user: ${describeVerdict(result.user)}`,
          `  assistant: ${describeVerdict(result.assistant)}`,
        ].join("\n"),
      )
      .join("\n");
    output.result(
      { moderator: flags.moderator, policy: policy.dimensions.map((d) => d.name), results },
      human,
    );
    return results.every((result) => result.status === "ok") ? EXIT.ok : EXIT.erroredCases;
  } finally {
    store.close();
    await built.close();
  }
}

function describeVerdict(verdict: Verdict | null): string {
  if (!verdict) return "— (no turns)";
  const dimension = verdict.dimension ? ` (${verdict.dimension})` : "";
  const score = verdict.score === undefined ? "" : ` score ${verdict.score.toFixed(3)}`;
  return `${verdict.rating}${dimension}${score} — ${verdict.rationale}`;
}
