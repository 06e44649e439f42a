import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { parseBuildMethods } from "../../benchmarks/safemt/build/build-methods.ts";
import { buildSafemt } from "../../benchmarks/safemt/build/build-safemt.ts";
import { builtScorers } from "../../benchmarks/safemt/build/built-scorers.ts";
import { loadSeeds } from "../../benchmarks/safemt/build/load-seeds.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { targetHints } from "../../engine/target-hints.ts";
import { InputError } from "../../errors.ts";
import { buildTarget } from "../../targets/build-target.ts";
import { EXIT } from "../exit-codes.ts";
import { evaluateGate, failOnOption, gateJson, gateRules, validateGate } from "../fail-on.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { ProgressBar } from "../progress-bar.ts";
import { readRunResults } from "../results-table.ts";
import { positiveInteger } from "./run-command.ts";
import { DEFAULT_REPORT_DIR, resolveStorePath } from "./store-option.ts";

interface BuildFlags {
  seeds: string;
  out: string;
  lengths: string;
  methods: string;
  attacker: string;
  limit?: string;
  store?: string;
  retries: string;
  assignment: string;
  imageStyle: string;
  idPrefix: string;
  concurrency?: string;
  cache: boolean;
  retryFailed?: boolean;
  reportDir: string;
  failOn: string[];
  json?: boolean;
  quiet?: boolean;
}

/** Adds `build` to an existing `safemt` command: builds SafeMT-format dialogues from seed queries. */
export function registerSafemtBuildCommand(safemt: Command): void {
  safemt
    .command("build")
    .description("Build SafeMT-format multi-turn dialogues from harmful seed queries with an attacker model")
    .requiredOption(
      "--seeds <file>",
      "seed queries: CSV or JSONL with query/goal/Behavior, optional image and scenario",
    )
    .requiredOption("--out <dir>", "output folder (N_turn.json files, images/, build-report.json)")
    .option("--lengths <list>", "user-turn lengths to build; 1_turn.json is always written", "2,4,6,8")
    .option(
      "--methods <list>",
      "escalation, fiction, fake-compliance, image-indirection",
      "escalation,fiction,fake-compliance,image-indirection",
    )
    .requiredOption(
      "--attacker <spec>",
      "attacker model: provider:model, openai-compatible:<model>@<url>, simulator[:script.yaml][#model]",
    )
    .option("--limit <n>", "only the first n seeds")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL (resume and cost accounting)")
    .option("--report-dir <dir>", "where the build's HTML and JSON reports are written", DEFAULT_REPORT_DIR)
    .option("--retries <n>", "extra attempts after a rejected dialogue", "2")
    .option(
      "--assignment <mode>",
      "rotate: one method per seed; each: one sample per seed and method",
      "rotate",
    )
    .option("--image-style <style>", "images for seeds without one: text (typographic) or scene", "text")
    .option("--id-prefix <prefix>", "sample id prefix", "built")
    .option("--concurrency <n>", "dialogues built at once")
    .option("--no-cache", "do not reuse cached attacker answers from earlier runs")
    .option("--retry-failed", "try again the samples that failed in an earlier session")
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .option(...failOnOption("build failure_rate > 0.1"))
    .action(async (flags: BuildFlags) => {
      process.exitCode = await runBuild(flags);
    });
}

async function runBuild(flags: BuildFlags): Promise<number> {
  const output = createOutput(flags);
  const seedsFile = path.resolve(flags.seeds);
  const seeds = loadSeeds(seedsFile);
  const lengths = parseLengths(flags.lengths);
  const methods = parseBuildMethods(flags.methods);
  if (!["rotate", "each"].includes(flags.assignment))
    throw new InputError("must be rotate or each", "--assignment");
  if (!["text", "scene"].includes(flags.imageStyle))
    throw new InputError("must be text or scene", "--image-style");
  if (!/^[a-z0-9]+$/i.test(flags.idPrefix))
    throw new InputError("must be letters and digits only", "--id-prefix");
  const retries = Number(flags.retries);
  if (!Number.isInteger(retries) || retries < 0)
    throw new InputError("must be a whole number, 0 or more", "--retries");
  const rules = gateRules([], flags.failOn);
  const scope = new AsyncDisposableStack();
  const storePath = resolveStorePath(flags.store);
  const interrupt = onInterrupt(output.note);
  const progress = new ProgressBar({ quiet: output.quiet });
  try {
    const attacker = await buildTarget(
      flags.attacker,
      "--attacker",
      { baseDir: process.cwd(), env: process.env },
      scope,
    );
    if (targetHints(attacker).isSimulator)
      output.note("note: the attacker is the turnsafe simulator (scripted replies, not a model)");
    // Before anything runs: the rules name the build's scorer and metrics and its attacker.
    validateGate(rules, builtScorers(), [attacker.id]);
    const outcome = await buildSafemt(
      {
        seeds,
        seedsIdentity: `${seedsFile}:${sha256Hex(readFileSync(seedsFile))}`,
        outDir: path.resolve(flags.out),
        lengths,
        methods,
        assignment: flags.assignment as "rotate" | "each",
        attacker,
        retries,
        limit: flags.limit ? positiveInteger(flags.limit, "--limit") : undefined,
        idPrefix: flags.idPrefix,
        imageStyle: flags.imageStyle as "text" | "scene",
        storePath,
        reportDir: path.resolve(flags.reportDir),
        concurrency: flags.concurrency ? positiveInteger(flags.concurrency, "--concurrency") : undefined,
        cache: flags.cache,
        retryFailed: flags.retryFailed,
      },
      {
        signal: interrupt.signal,
        onProgress: (value) => progress.update(value),
        onCall: (event) => progress.call(event),
      },
    );
    progress.stop();
    const lines = [
      `build ${outcome.runId}: ${outcome.samples} samples${outcome.resumed ? " (resumed)" : ""}`,
      ...outcome.files.map((file) => `${file.file}: ${file.records} dialogues`),
      `failures: ${outcome.failures.length}${outcome.failures.length > 0 ? ` (see ${outcome.reportFile})` : ""}`,
    ];
    const verdict = evaluateGate(rules, readRunResults(outcome.reportJson).figures);
    lines.push(...verdict.lines, `report: ${outcome.reportHtml}`);
    if (outcome.interrupted)
      lines.push(`interrupted with ${outcome.pending} dialogues to go: rerun the same command to resume`);
    const { reportHtml, reportJson, ...built } = outcome;
    output.result(
      {
        ...built,
        store: storePath,
        report: { html: reportHtml, json: reportJson },
        ...(rules.length > 0 ? { gate: gateJson(verdict) } : {}),
      },
      lines.join("\n"),
    );
    if (outcome.interrupted) return EXIT.interrupted;
    if (verdict.failures.length > 0) return EXIT.thresholdCrossed;
    const attempted = outcome.samples * new Set(lengths.filter((length) => length > 1)).size;
    if (attempted > 0 && outcome.failures.length * 2 > attempted)
      output.warn(
        `${outcome.failures.length} of ${attempted} multi-turn dialogues could not be built (${outcome.failures[0]?.error}): the files are mostly empty. Check that the attacker answers with the JSON asked for (see ${outcome.reportFile})`,
      );
    return outcome.failures.length > 0 ? EXIT.erroredCases : EXIT.ok;
  } finally {
    progress.stop();
    interrupt.dispose();
    await scope.disposeAsync();
  }
}

/** Parses `2,4,6,8` into lengths, naming the flag on a bad value. */
export function parseLengths(list: string): number[] {
  const lengths = list
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
  if (lengths.length === 0) throw new InputError("name at least one length", "--lengths");
  return lengths.map((value) => positiveInteger(value, "--lengths"));
}
