import path from "node:path";
import type { Command } from "commander";
import { loadCaptionsFile } from "../../benchmarks/mtmcs/captions.ts";
import { executeMtmcsRun, mtmcsBenchmark } from "../../benchmarks/mtmcs/mtmcs-benchmark.ts";
import { mtmcsCasesInFlight } from "../../benchmarks/mtmcs/mtmcs-cases-in-flight.ts";
import { resolveMtmcsSources } from "../../benchmarks/mtmcs/mtmcs-loader.ts";
import { REFERENCE_PROTOCOL } from "../../benchmarks/mtmcs/mtmcs-play.ts";
import { MTMCS_MODALITIES, MTMCS_SPLITS } from "../../benchmarks/mtmcs/mtmcs-row.ts";
import type { MtmcsRunPlan } from "../../benchmarks/mtmcs/mtmcs-run.ts";
import type { Target } from "../../contracts/index.ts";
import { parseDefenceConditions } from "../../defences/registry.ts";
import { IMAGE_PLACEMENTS, type ImagePlacement } from "../../drivers/image-placement.ts";
import { isPostgresUrl } from "../../engine/open-store.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { InputError } from "../../errors.ts";
import { buildTarget } from "../../targets/build-target.ts";
import { failOnOption, gateRules, plannedScorers, validateGate } from "../fail-on.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { registerBenchmarkReport } from "./benchmark-report-command.ts";
import { presentRun } from "./present-run.ts";
import { positiveInteger } from "./run-command.ts";
import { DEFAULT_REPORT_DIR, DEFAULT_STORE, resolveStorePath } from "./store-option.ts";

export interface MtmcsRunFlags {
  data: string[];
  split?: string;
  modality: string;
  target: string[];
  judge: string;
  judgeMode: string;
  captioner?: string;
  captions?: string;
  moderator?: string;
  imagePlacement: string;
  defences: string;
  temperature?: string;
  maxTokens?: string;
  limit?: string;
  concurrency?: string;
  endpointConcurrency: string;
  name: string;
  store?: string;
  reportDir: string;
  imageCache?: string;
  reportCases: string;
  cache: boolean;
  retryErrors?: boolean;
  wait?: boolean;
  failOn: string[];
  json?: boolean;
  quiet?: boolean;
}

/** `turnsafe mtmcs run|report`: MTMCS-Bench (live multi-turn contextual safety, intent, guardrails). */
export function registerMtmcsCommand(program: Command): void {
  const mtmcs = program
    .command("mtmcs")
    .description(
      "MTMCS-Bench: live 3-turn contextual-safety dialogues, intent recognition, SA/helpfulness, guardrails",
    );
  mtmcs
    .command("run")
    .description("Run MTMCS-Bench on an export of ND-25/MCS-bench (resumes when rerun with the same options)")
    .requiredOption(
      "--data <path...>",
      "split files (JSONL, JSON or Parquet) or a folder holding type_a / type_b files",
    )
    .option("--split <splits>", "type_a, type_b or both, comma-separated (default: every split found)")
    .option("--modality <modalities>", "mm (photo), um (text-only rewrite) or both", "mm,um")
    .requiredOption(
      "--target <spec...>",
      "model(s) under test: provider:model, openai-compatible:<model>@<url>, simulator[:script.yaml][#model]",
    )
    .requiredOption("--judge <spec>", "judge model for safety awareness and helpfulness (temperature 0)")
    .option(
      "--judge-mode <mode>",
      "caption (the judge reads a neutral caption, reference) or vision (sees the photo)",
      "caption",
    )
    .option("--captioner <spec>", "captioning model for caption mode (default: the judge model)")
    .option(
      "--captions <file>",
      "captions by row id (JSON object, or JSON/JSONL of {id, caption}); they win over the captioner",
    )
    .option(
      "--image-placement <placement>",
      `where the photo goes in each call: ${IMAGE_PLACEMENTS.filter((p) => p !== "as-given").join(", ")}`,
      "reference",
    )
    .option(
      "--defences <conditions>",
      "conditions side by side: none,self-reminder,adashield+self-reflection",
      "none",
    )
    .option(
      "--moderator <spec>",
      "moderator model for policy-injection (default: the defended target itself)",
    )
    .option("--temperature <t>", "temperature of each turn and intent question", "0.1")
    .option("--max-tokens <n>", "new tokens per turn and intent answer", "128")
    .option("--limit <n>", "only the first n rows of each split")
    .option(
      "--concurrency <n>",
      "cases played at once (default: enough to fill the targets', judge's and captioner's connections)",
    )
    .option("--endpoint-concurrency <n>", "default concurrent requests per endpoint", "8")
    .option("--name <name>", "run name (part of the run id)", "mtmcs")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--report-dir <dir>", "where reports are written", DEFAULT_REPORT_DIR)
    .option(
      "--image-cache <dir>",
      "where embedded images are written (default: mtmcs-images beside the store)",
    )
    .option("--report-cases <n>", "dialogues shown in full in the report", "200")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--retry-errors", "replay cases that errored in an earlier session of this run")
    .option("--wait", "if another command is playing this run, wait for it, then report (default: exit 5)")
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .option(...failOnOption("safety-awareness safety_awareness_mean < 3"))
    .action(async (flags: MtmcsRunFlags) => {
      const output = createOutput(flags);
      const scope = new AsyncDisposableStack();
      try {
        const plan = await planMtmcsRun(flags, scope);
        process.exitCode = await playMtmcsRun(plan, output, flags.wait, flags.failOn);
      } finally {
        await scope.disposeAsync();
      }
    });
  registerBenchmarkReport(mtmcs, mtmcsBenchmark, {
    whose: "an MTMCS run's",
    casesHelp: "dialogues shown in full",
    cases: nonNegative,
  });
}

/** Resolves `mtmcs run`'s flags into a plan (builds targets; starts in-process simulators in `scope`). */
export async function planMtmcsRun(flags: MtmcsRunFlags, scope: AsyncDisposableStack): Promise<MtmcsRunPlan> {
  const splits = flags.split ? list(flags.split, MTMCS_SPLITS, "--split") : undefined;
  const modalities = list(flags.modality, MTMCS_MODALITIES, "--modality");
  const judgeMode = oneOf(flags.judgeMode, ["caption", "vision"] as const, "--judge-mode");
  const placement = oneOf(flags.imagePlacement, IMAGE_PLACEMENTS, "--image-placement") as ImagePlacement;
  const temperature = Number(flags.temperature);
  if (!Number.isFinite(temperature) || temperature < 0 || temperature > 2)
    throw new InputError("must be a number from 0 to 2", "--temperature");
  const maxTokens = positiveInteger(flags.maxTokens ?? "128", "--max-tokens");
  const defences = parseDefenceConditions(flags.defences);
  const sources = resolveMtmcsSources(flags.data, splits);
  const options = { baseDir: process.cwd(), env: process.env };
  const build = (spec: string, where: string): Promise<Target> => buildTarget(spec, where, options, scope);
  const targets: Target[] = [];
  for (const [index, spec] of flags.target.entries())
    targets.push(await build(spec, `--target ${index + 1}`));
  const judge = await build(flags.judge, "--judge");
  if (judgeMode === "vision" && !judge.capabilities.vision)
    throw new InputError(`${judge.id} does not accept images; use --judge-mode caption`, "--judge-mode");
  const captions = flags.captions
    ? { file: path.resolve(flags.captions), byRowId: loadCaptionsFile(flags.captions) }
    : undefined;
  const needsCaptioner = judgeMode === "caption" && modalities.includes("mm");
  const captioner = needsCaptioner
    ? flags.captioner
      ? await build(flags.captioner, "--captioner")
      : judge
    : undefined;
  if (captioner && !captioner.capabilities.vision && !captions)
    throw new InputError(
      `${captioner.id} cannot see images, so it cannot caption them; pass --captioner or --captions`,
      flags.captioner ? "--captioner" : "--judge",
    );
  const moderatorTarget = flags.moderator ? await build(flags.moderator, "--moderator") : undefined;
  const storePath = resolveStorePath(flags.store);
  const endpointConcurrency = positiveInteger(flags.endpointConcurrency, "--endpoint-concurrency");
  const params = { temperature, maxOutputTokens: maxTokens };
  return {
    name: nameOf(flags.name),
    sources,
    modalities,
    limit: flags.limit ? positiveInteger(flags.limit, "--limit") : undefined,
    // Beside a store file; with a PostgreSQL store, in the current directory's `.turnsafe`.
    imageCacheDir: path.resolve(
      flags.imageCache ??
        path.join(
          isPostgresUrl(storePath) ? path.dirname(DEFAULT_STORE) : path.dirname(storePath),
          "mtmcs-images",
        ),
    ),
    targets,
    defences,
    defenceDependencies: moderatorTarget ? { moderatorTarget } : {},
    judge: { target: judge, mode: judgeMode },
    captioner,
    captions,
    protocol: { ...REFERENCE_PROTOCOL, imagePlacement: placement, turnParams: params, intentParams: params },
    storePath,
    reportDir: path.resolve(flags.reportDir),
    concurrency: flags.concurrency
      ? positiveInteger(flags.concurrency, "--concurrency")
      : mtmcsCasesInFlight({ targets, judge, captioner, moderator: moderatorTarget }, endpointConcurrency),
    endpointConcurrency,
    cache: flags.cache,
    retry: {},
    prices: new PriceTable(),
    reportCases: nonNegative(flags.reportCases, "--report-cases"),
    retryErrored: flags.retryErrors,
  };
}

async function playMtmcsRun(
  plan: MtmcsRunPlan,
  output: ReturnType<typeof createOutput>,
  wait: boolean | undefined,
  failOn: readonly string[],
): Promise<number> {
  const rules = gateRules([], failOn);
  // Figures are per arm, `<target> · <defence>`.
  const defences = plan.defences.map((names) => (names.length ? names.join("+") : "none"));
  validateGate(
    rules,
    plannedScorers(mtmcsBenchmark, plan),
    plan.targets.flatMap((target) => defences.map((defence) => `${target.id} · ${defence}`)),
  );
  const interrupt = onInterrupt(output.note);
  try {
    return await presentRun(
      output,
      { storePath: plan.storePath, signal: interrupt.signal, wait, gate: rules },
      (hooks) => executeMtmcsRun(plan, hooks),
    );
  } finally {
    interrupt.dispose();
  }
}

function list<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = [
    ...new Set(
      value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
  if (items.length === 0) throw new InputError(`name at least one of ${allowed.join(", ")}`, flag);
  for (const item of items)
    if (!allowed.includes(item as T))
      throw new InputError(`"${item}" is not one of ${allowed.join(", ")}`, flag);
  return items as T[];
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!allowed.includes(value as T)) throw new InputError(`must be one of ${allowed.join(", ")}`, flag);
  return value as T;
}

function nonNegative(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InputError("must be a whole number", flag);
  return number;
}

function nameOf(name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new InputError("use letters, digits, '.', '_' or '-'", "--name");
  return name;
}
