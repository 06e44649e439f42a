import path from "node:path";
import type { Command } from "commander";
import { planDialogueRun } from "../../benchmarks/dialogues/plan-dialogue-run.ts";
import type { DialogueRunPlan } from "../../benchmarks/dialogues/run-dialogues.ts";
import { executeDistributedDialogueRun } from "../../benchmarks/distributed/distributed-dialogue-run.ts";
import { JUDGE_SPEC_HELP, judgeConfigFromSpec } from "../../config/judge-spec.ts";
import { loadYamlFile, locateInYamlFile } from "../../config/load-yaml.ts";
import { type RunConfig, RunConfigSchema } from "../../config/run-config.ts";
import { resolveStoreLocation } from "../../engine/open-store.ts";
import type { RunSessionHooks } from "../../engine/run-session.ts";
import { InputError } from "../../errors.ts";
import { checkBreakdownKeys } from "../../reports/breakdown-table.ts";
import { failOnOption } from "../fail-on.ts";
import { createOutput } from "../output.ts";
import { playPlannedRun } from "./play-planned-run.ts";
import { DEFAULT_REPORT_DIR, resolveStorePath } from "./store-option.ts";

interface RunFlags {
  name?: string;
  data?: string;
  target?: string[];
  judge?: string[];
  store?: string;
  reportDir?: string;
  concurrency?: string;
  endpointConcurrency?: string;
  limit?: string;
  driver?: string;
  breakdown?: string[];
  cache: boolean;
  retryErrors?: boolean;
  repeat?: string;
  failOn: string[];
  wait?: boolean;
  maxImageBytes?: string;
  maxLineBytes?: string;
  allowOutsideImages?: boolean;
  json?: boolean;
  quiet?: boolean;
  distributed?: boolean;
  play: boolean;
  caseExpiry?: string;
}

/** `turnsafe run <config.yaml>`: plays a dialogue suite against targets, judges, stores and reports. */
export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("Run a dialogue suite from a YAML config (resumes when rerun with the same config)")
    .argument("<config>", "YAML config file (see README: configuration reference)")
    .option("--name <name>", "run name (part of the run id)")
    .option("--data <file>", "JSONL dialogues, or `quickstart` for the bundled suite")
    .option(
      "--target <spec...>",
      "target(s), replacing the config's: openai:gpt-4o-mini, anthropic:..., google:..., openai-compatible:<model>@<baseURL>, simulator[:script.yaml]",
    )
    .option("--judge <spec...>", `judge(s), replacing the config's: ${JUDGE_SPEC_HELP}`)
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--report-dir <dir>", "where reports are written")
    .option("--concurrency <n>", "cases played at once")
    .option("--endpoint-concurrency <n>", "default concurrent requests per endpoint")
    .option("--limit <n>", "only the first n dialogues")
    .option("--driver <driver>", "auto | live | replay")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--retry-errors", "replay cases that errored in an earlier session of this run")
    .option("--repeat <n>", "play each dialogue n times as separate samples")
    .option(...failOnOption("safety unsafe_rate > 0.05"))
    .option(
      "--wait",
      "if another command is playing this run, wait for it to finish, then report (default: refuse, exit 5)",
    )
    .option("--max-image-bytes <n>", "largest image file accepted, in bytes (default 20 MiB)")
    .option("--max-line-bytes <n>", "longest data line accepted, in bytes (default 8 MiB)")
    .option("--allow-outside-images", "accept image paths outside the image folder")
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .option("--breakdown <key...>", "metadata keys the report breaks rates down by (default: category)")
    .option("--distributed", "enqueue the cases for workers (`turnsafe worker`; needs a postgres:// store)")
    .option("--no-play", "with --distributed: only enqueue and wait for workers, showing progress")
    .option(
      "--case-expiry <s>",
      "with --distributed: seconds before a worker's unfinished case is handed out again",
    )
    .action(async (file: string, flags: RunFlags) => {
      const output = createOutput(flags);
      const config = applyFlags(loadYamlFile(file, RunConfigSchema), flags);
      const planned = await planDialogueRun(config, {
        baseDir: path.dirname(path.resolve(file)),
        env: process.env,
        retryErrored: flags.retryErrors,
        defaultStorePath: resolveStorePath(undefined),
        defaultReportDir: path.resolve(DEFAULT_REPORT_DIR),
      }).catch((error: unknown) => {
        throw inConfigFile(error, file, flags);
      });
      process.exitCode = await playPlannedRun(planned, output, {
        thresholds: config.thresholds,
        failOn: flags.failOn,
        wait: flags.wait,
        execute: flags.distributed ? distributedExecution(file, flags) : undefined,
      });
    });
}

/** `--distributed`: plays the run through the job queue (see executeDistributedDialogueRun). */
function distributedExecution(file: string, flags: RunFlags) {
  const expirySeconds = flags.caseExpiry ? positiveInteger(flags.caseExpiry, "--case-expiry") : undefined;
  return (plan: DialogueRunPlan, hooks: RunSessionHooks) =>
    executeDistributedDialogueRun(
      plan,
      { baseDir: path.dirname(path.resolve(file)), play: flags.play, env: process.env, expirySeconds },
      hooks,
    );
}

/** A target or judge error found while planning, located in the config file when it came from there. */
function inConfigFile(error: unknown, file: string, flags: RunFlags): unknown {
  if (!(error instanceof InputError) || error.where === undefined) return error;
  const match = /^(targets|judges)\.(\d+)(?:\.(.+))?$/.exec(error.where);
  if (!match || (match[1] === "targets" && flags.target) || (match[1] === "judges" && flags.judge))
    return error;
  const message = error.message.slice(error.where.length + 2);
  const fieldPath = [match[1] as string, Number(match[2]), ...(match[3]?.split(".") ?? [])];
  return new InputError(`${error.where}: ${message}`, locateInYamlFile(file, fieldPath), { cause: error });
}

function applyFlags(config: RunConfig, flags: RunFlags): RunConfig {
  const next: RunConfig = { ...config };
  if (flags.name) next.name = flags.name;
  if (flags.data) next.data = path.resolve(flags.data);
  if (flags.store) next.store = resolveStoreLocation(process.cwd(), flags.store);
  if (flags.reportDir) next.reportDir = path.resolve(flags.reportDir);
  if (flags.target) {
    next.target = undefined;
    next.targets = flags.target;
  }
  if (flags.judge)
    next.judges = flags.judge.map((spec, index) => judgeConfigFromSpec(spec, `--judge ${index + 1}`));
  if (flags.concurrency) next.concurrency = positiveInteger(flags.concurrency, "--concurrency");
  if (flags.endpointConcurrency)
    next.endpointConcurrency = positiveInteger(flags.endpointConcurrency, "--endpoint-concurrency");
  if (flags.limit) next.limit = positiveInteger(flags.limit, "--limit");
  if (flags.repeat) next.repeat = positiveInteger(flags.repeat, "--repeat");
  if (flags.driver) {
    if (!["auto", "live", "replay"].includes(flags.driver))
      throw new InputError("must be auto, live or replay", "--driver");
    next.driver = flags.driver as RunConfig["driver"];
  }
  if (!flags.cache) next.cache = false;
  if (flags.breakdown) next.breakdown = checkBreakdownKeys(flags.breakdown, "--breakdown");
  if (flags.maxImageBytes || flags.maxLineBytes)
    next.limits = {
      ...config.limits,
      ...(flags.maxImageBytes
        ? { maxImageBytes: positiveInteger(flags.maxImageBytes, "--max-image-bytes") }
        : {}),
      ...(flags.maxLineBytes
        ? { maxLineBytes: positiveInteger(flags.maxLineBytes, "--max-line-bytes") }
        : {}),
    };
  if (flags.allowOutsideImages) next.allowImagesOutsideDataDir = true;
  return next;
}

/** Parses a positive integer flag, naming the flag when it is not one. */
export function positiveInteger(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InputError(`must be a positive whole number, got "${value}"`, flag);
  return number;
}
