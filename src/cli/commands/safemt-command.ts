import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { safemtBenchmark } from "../../benchmarks/safemt/safemt-benchmark.ts";
import { parseDefences } from "../../benchmarks/safemt/safemt-defences.ts";
import type { SafemtJudgeMode } from "../../benchmarks/safemt/safemt-judge.ts";
import { importSafemtLabelTree } from "../../benchmarks/safemt/safemt-label-tree.ts";
import { importSafemtLabels } from "../../benchmarks/safemt/safemt-labels.ts";
import { executeSafemtRun, planSafemtRun } from "../../benchmarks/safemt/safemt-recipe.ts";
import {
  collectSafemtResults,
  describeSummary,
  summariseOutcomes,
  summaryJson,
} from "../../benchmarks/safemt/safemt-results.ts";
import { InputError } from "../../errors.ts";
import type { LengthOutcome, MissingLengthPolicy } from "../../metrics/safety-index.ts";
import { loadPolicyFile } from "../../moderators/policy.ts";
import { createPromptedModerator } from "../../moderators/prompted-moderator.ts";
import { buildTarget } from "../../targets/build-target.ts";
import { failOnOption, gateRules, plannedScorers, validateGate } from "../fail-on.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput, type Output } from "../output.ts";
import { presentRun } from "./present-run.ts";
import { positiveInteger } from "./run-command.ts";
import { DEFAULT_REPORT_DIR, openExistingStore, requireRun, resolveStorePath } from "./store-option.ts";

interface RunFlags {
  data: string;
  target: string[];
  judge: string;
  judgeMode: string;
  judgeVision?: boolean;
  lengths?: string;
  defence: string[];
  moderator?: string;
  policy?: string;
  skipMissingImages?: boolean;
  allowOutsideImages?: boolean;
  limit?: string;
  concurrency?: string;
  endpointConcurrency?: string;
  name: string;
  store?: string;
  reportDir: string;
  reportCases: string;
  cache: boolean;
  retryErrors?: boolean;
  wait?: boolean;
  failOn: string[];
  json?: boolean;
  quiet?: boolean;
}

interface SiFlags {
  store?: string;
  data?: string;
  model?: string;
  target?: string;
  lengths?: string;
  missingLengths: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * `turnsafe safemt`: the SafeMT benchmark (`run`, `si`). Returns the `safemt` command so
 * further subcommands (`build`) can be attached to it.
 */
export function registerSafemtCommand(program: Command): Command {
  const safemt = program
    .command("safemt")
    .description("SafeMT: multi-turn multimodal safety benchmark (ASR by dialogue length, Safety Index)");
  safemt
    .command("run")
    .description("Replay every SafeMT sample against each target (and defence), judge, store and report")
    .requiredOption("--data <folder>", "SafeMT data folder (1_turn.json, 2_turn.json, ... and images)")
    .requiredOption(
      "--target <spec...>",
      "target(s): openai:gpt-4o-mini, anthropic:..., google:..., openai-compatible:<model>@<baseURL>, simulator[:script.yaml][#model]",
    )
    .requiredOption("--judge <spec>", "judge model spec (the reference setting is openai:gpt-4o-mini)")
    .option(
      "--judge-mode <mode>",
      "default | reference (published scorer: general rule, exact labels, temperature 0.6)",
      "default",
    )
    .option("--judge-vision", "attach the sample's image to judge requests")
    .option("--lengths <list>", "dialogue lengths to run, e.g. 1,2,4,6,8 (default: every file in --data)")
    .option("--defence <list...>", "conditions to compare: none, policy-injection, policy-block", ["none"])
    .option(
      "--moderator <spec>",
      "model behind the dialogue moderator of the policy defences (default: the judge model)",
    )
    .option("--policy <file>", "policy YAML for the policy defences (default: the eight built-in dimensions)")
    .option("--skip-missing-images", "leave out samples whose image is missing instead of failing")
    .option("--allow-outside-images", "accept image paths that resolve outside the dataset folder")
    .option("--limit <n>", "only the first n samples (each at every length)")
    .option("--concurrency <n>", "cases played at once")
    .option("--endpoint-concurrency <n>", "default concurrent requests per endpoint")
    .option("--name <name>", "run name (part of the run id)", "safemt")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--report-dir <dir>", "where reports are written", DEFAULT_REPORT_DIR)
    .option("--report-cases <n>", "cases shown in full in the report, worst first", "300")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--retry-errors", "replay cases that errored in an earlier session of this run")
    .option("--wait", "if another command is playing this run, wait for it, then report (default: exit 5)")
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .option(...failOnOption("safemt asr > 0.2"))
    .action(async (flags: RunFlags) => {
      process.exitCode = await runSafemt(flags, createOutput(flags));
    });
  safemt
    .command("si")
    .description("Recompute ASR by length and the Safety Index from a stored run or a labels file")
    .argument(
      "<results>",
      "run id/name in the store, the SafeMT scorer's folder (<k>/label/<model>.json), a label file, or a turnsafe export JSONL",
    )
    .option("--store <file|url>", "store: SQLite file or postgres:// URL (for a run id or name)")
    .option("--data <folder>", "SafeMT data folder, giving ids to labels stored as bare lists")
    .option(
      "--model <name>",
      "the model to read from a scorer's folder (default: every model), or the name of a label file's model (default: its file name)",
    )
    .option("--target <id>", "only this target (or target+defence) of a run or export")
    .option("--lengths <list>", "the length set R of the Safety Index", "1,2,4,6,8")
    .option(
      "--missing-lengths <policy>",
      "renormalise | error, when a length of R has no verdict",
      "renormalise",
    )
    .option("--json", "print one JSON object: {asr, si, counts, unparsed, results}")
    .option("--quiet", "no notes on stderr")
    .action(async (results: string, flags: SiFlags) => {
      await recomputeSafetyIndex(results, flags, createOutput(flags));
    });
  return safemt;
}

async function runSafemt(flags: RunFlags, output: Output): Promise<number> {
  const mode = flags.judgeMode as SafemtJudgeMode;
  if (mode !== "default" && mode !== "reference")
    throw new InputError("must be default or reference", "--judge-mode");
  const defences = parseDefences(flags.defence);
  const scope = new AsyncDisposableStack();
  const planOptions = { baseDir: process.cwd(), env: process.env };
  const interrupt = onInterrupt(output.note);
  try {
    const targets = [];
    for (const [index, spec] of flags.target.entries())
      targets.push(await buildTarget(spec, `--target ${index + 1}`, planOptions, scope));
    const judgeTarget = await buildTarget(flags.judge, "--judge", planOptions, scope);
    let moderator: ReturnType<typeof createPromptedModerator> | undefined;
    if (defences.some((defence) => defence !== "none")) {
      if (!flags.moderator) output.note(`moderator: using the judge model ${judgeTarget.id}`);
      const moderatorTarget = flags.moderator
        ? await buildTarget(flags.moderator, "--moderator", planOptions, scope)
        : judgeTarget;
      moderator = createPromptedModerator({ target: moderatorTarget });
    }
    const planned = await planSafemtRun({
      name: flags.name,
      dataDir: path.resolve(flags.data),
      lengths: flags.lengths ? parseLengths(flags.lengths, "--lengths") : undefined,
      skipMissingImages: flags.skipMissingImages,
      allowOutsideImages: flags.allowOutsideImages,
      limit: flags.limit ? positiveInteger(flags.limit, "--limit") : undefined,
      targets,
      judge: { target: judgeTarget, mode, vision: flags.judgeVision },
      defences,
      moderator,
      policy: flags.policy ? loadPolicyFile(path.resolve(flags.policy)) : undefined,
      storePath: resolveStorePath(flags.store),
      reportDir: path.resolve(flags.reportDir),
      reportCases: nonNegativeInteger(flags.reportCases, "--report-cases"),
      concurrency: flags.concurrency ? positiveInteger(flags.concurrency, "--concurrency") : undefined,
      endpointConcurrency: flags.endpointConcurrency
        ? positiveInteger(flags.endpointConcurrency, "--endpoint-concurrency")
        : undefined,
      cache: flags.cache,
      retryErrored: flags.retryErrors,
      config: {
        data: path.resolve(flags.data),
        targets: flags.target,
        judge: flags.judge,
        judgeMode: mode,
        defences,
        moderator: flags.moderator ?? null,
        lengths: flags.lengths ?? null,
        limit: flags.limit ?? null,
      },
    });
    const { dataset } = planned;
    const rules = gateRules([], flags.failOn);
    validateGate(
      rules,
      plannedScorers(safemtBenchmark, planned.plan),
      planned.plan.targets.map((target) => target.id),
    );
    output.note(
      `SafeMT data: ${dataset.samples} samples x lengths ${dataset.lengths.join(", ")} = ${dataset.dialogues.length} cases (${dataset.layout} layout); ${planned.conditions.length} target condition(s)`,
    );
    for (const note of dataset.notes) output.note(`note: ${note}`);
    return await presentRun<Awaited<ReturnType<typeof executeSafemtRun>>>(
      output,
      {
        storePath: planned.plan.storePath,
        total: dataset.dialogues.length,
        signal: interrupt.signal,
        wait: flags.wait,
        gate: rules,
        json: (outcome) => ({
          judge: { model: judgeTarget.id, mode },
          conditions: outcome.conditions,
          results: outcome.summaries.map(summaryJson),
        }),
        lines: (outcome) => outcome.summaries.map(describeSummary),
      },
      (hooks) => executeSafemtRun(planned, hooks),
    );
  } finally {
    interrupt.dispose();
    await scope.disposeAsync();
  }
}

async function recomputeSafetyIndex(results: string, flags: SiFlags, output: Output): Promise<void> {
  const lengths = parseLengths(flags.lengths ?? "1,2,4,6,8", "--lengths");
  if (flags.missingLengths !== "renormalise" && flags.missingLengths !== "error")
    throw new InputError("must be renormalise or error", "--missing-lengths");
  let outcomes: Map<string, LengthOutcome[]>;
  let source: Record<string, unknown>;
  if (existsSync(results) && statSync(results).isFile()) {
    const imported = await importSafemtLabels(path.resolve(results), {
      dataDir: flags.data ? path.resolve(flags.data) : undefined,
      model: flags.model,
    });
    for (const note of imported.notes) output.note(`note: ${note}`);
    outcomes = imported.results;
    source = { file: path.resolve(results), format: imported.format };
  } else if (existsSync(results) && statSync(results).isDirectory()) {
    const imported = await importSafemtLabelTree(results, {
      dataDir: flags.data ? path.resolve(flags.data) : undefined,
      model: flags.model,
    });
    for (const note of imported.notes) output.note(`note: ${note}`);
    outcomes = imported.results;
    source = { folder: path.resolve(results), format: imported.format };
  } else if (/\.jsonl?$/i.test(results) || results.includes("/")) {
    throw new InputError("no such labels file", path.resolve(results));
  } else {
    const store = openExistingStore(flags.store);
    try {
      const run = requireRun(store, results);
      const collected = collectSafemtResults(store, run.id);
      if (collected.targets.length === 0)
        throw new InputError(`run ${run.id} has no SafeMT verdicts (judge ${collected.judge})`, "results");
      if (collected.counts.pending > 0)
        output.note(`note: ${collected.counts.pending} cases of this run have not run yet`);
      outcomes = collected.outcomes;
      source = { runId: run.id, judge: collected.judge, store: store.file };
    } finally {
      store.close();
    }
  }
  let targets = [...outcomes.keys()];
  if (flags.target !== undefined) {
    if (!outcomes.has(flags.target))
      throw new InputError(`no target "${flags.target}"; found: ${targets.join(", ")}`, "--target");
    targets = [flags.target];
  }
  const summaries = targets.map((target) =>
    summariseOutcomes(target, outcomes.get(target) ?? [], {
      lengths,
      missingLengths: flags.missingLengths as MissingLengthPolicy,
    }),
  );
  const only = summaries.length === 1 ? summaries[0] : undefined;
  output.result(
    {
      ...(only
        ? { target: only.target, asr: only.asr, si: only.si, counts: only.counts, unparsed: only.unparsed }
        : {}),
      source,
      results: summaries.map(summaryJson),
    },
    summaries.map(describeSummary).join("\n"),
  );
}

function parseLengths(value: string, flag: string): number[] {
  const lengths = value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => positiveInteger(item, flag));
  if (lengths.length === 0) throw new InputError("name at least one length, e.g. 1,2,4,6,8", flag);
  return [...new Set(lengths)].sort((a, b) => a - b);
}

function nonNegativeInteger(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InputError(`must be a whole number, got "${value}"`, flag);
  return number;
}
