import path from "node:path";
import type { Command } from "commander";
import { BUNDLED_TASKS, bundledTasks } from "../../benchmarks/redteam/bundled-tasks.ts";
import { writeMmdsExport } from "../../benchmarks/redteam/mmds-export.ts";
import { METHODS, type Method } from "../../benchmarks/redteam/planners.ts";
import { executeRedteamRun, redteamBenchmark } from "../../benchmarks/redteam/redteam-benchmark.ts";
import { type RedteamConfig, redteamConfigSchema } from "../../benchmarks/redteam/redteam-config.ts";
import { DEFAULT_ATTACK_SETTINGS } from "../../benchmarks/redteam/redteam-defaults.ts";
import { checkVision, type RedteamRunPlan } from "../../benchmarks/redteam/redteam-run.ts";
import { loadRedteamTasks } from "../../benchmarks/redteam/redteam-task.ts";
import { type BudgetLimits, parseBudget } from "../../benchmarks/redteam/search-budget.ts";
import { writeBenchmarkReports } from "../../benchmarks/run-benchmark.ts";
import { loadYamlFile } from "../../config/load-yaml.ts";
import type { Target } from "../../contracts/index.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { InputError } from "../../errors.ts";
import { REDTEAM_SIMULATOR_SCRIPT_YAML } from "../../simulator/redteam-script.ts";
import { parseSimulatorScript } from "../../simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../../simulator/simulator-server.ts";
import { buildTarget, simulatorTarget } from "../../targets/build-target.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { presentRun } from "./present-run.ts";
import { positiveInteger } from "./run-command.ts";
import { DEFAULT_REPORT_DIR, openExistingStore, requireRun, resolveStorePath } from "./store-option.ts";

interface RedteamRunFlags {
  config?: string;
  tasks?: string;
  images?: string;
  method?: string;
  target?: string[];
  attacker?: string;
  judge?: string;
  budget?: string;
  runBudget?: string;
  samples?: string;
  seed?: string;
  iterations?: string;
  maxRounds?: string;
  concurrency?: string;
  endpointConcurrency: string;
  name?: string;
  store?: string;
  reportDir: string;
  reportCases: string;
  cache: boolean;
  retryErrors?: boolean;
  wait?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** `turnsafe redteam run|report`: search for the conversation that breaks a model (MCTS, Crescendo, linear). */
export function registerRedteamCommand(program: Command): void {
  const redteam = program
    .command("redteam")
    .description(
      "Red teaming: MCTS search over multimodal conversations, with Crescendo and linear baselines",
    );
  redteam
    .command("run")
    .description("Search for attacks on each task (resumes when rerun with the same options)")
    .option("--config <file>", "YAML config (flags win over it)")
    .option("--tasks <file>", `tasks JSONL (MMRT or {id, goal, images?}), or "${BUNDLED_TASKS}"`)
    .option(
      "--images <dir>",
      "MMRT images folder (<dir>/<task id>/<image id>; default: images/ beside the tasks)",
    )
    .option("--method <methods>", `search methods, comma-separated: ${METHODS.join(", ")}`)
    .option(
      "--target <spec...>",
      "model(s) under test: provider:model, ..., or simulator (the red-team script)",
    )
    .option("--attacker <spec>", "attacker model (default: simulator)")
    .option("--judge <spec>", "1-5 judge model (default: simulator)")
    .option("--budget <limits>", "per search: calls=N,tokens=N,cost=USD,time=90s|10m|1h")
    .option("--run-budget <limits>", "over the whole run, same form")
    .option("--samples <n>", "searches per task, method and target (other attacker samples)")
    .option("--seed <n>", "seed mixed into every attacker call")
    .option("--iterations <n>", "MCTS iterations, and restarts of the linear and Crescendo loops (20)")
    .option("--max-rounds <n>", "longest conversation in user turns (10)")
    .option("--concurrency <n>", "searches played at once (8)")
    .option("--endpoint-concurrency <n>", "default concurrent requests per endpoint", "8")
    .option("--name <name>", "run name (part of the run id)")
    .option("--store <file>", "SQLite store file")
    .option("--report-dir <dir>", "where reports are written", DEFAULT_REPORT_DIR)
    .option("--report-cases <n>", "searches shown in full in the report", "200")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--retry-errors", "replay searches that errored in an earlier session of this run")
    .option("--wait", "if another command is playing this run, wait for it, then report (default: exit 5)")
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .action(async (flags: RedteamRunFlags) => {
      const output = createOutput(flags);
      const scope = new AsyncDisposableStack();
      try {
        const plan = await planRedteamRun(flags, scope);
        const interrupt = onInterrupt(output.note);
        try {
          process.exitCode = await presentRun(
            output,
            { storePath: plan.storePath, signal: interrupt.signal, wait: flags.wait },
            (hooks) => executeRedteamRun(plan, hooks),
          );
        } finally {
          interrupt.dispose();
        }
      } finally {
        await scope.disposeAsync();
      }
    });
  redteam
    .command("report")
    .description("Re-render a red-team run's HTML and JSON reports from the store")
    .argument("<run>", "run id, id prefix or name")
    .option("--store <file>", "SQLite store file")
    .option("--out <dir>", "folder for the reports", DEFAULT_REPORT_DIR)
    .option("--cases <n>", "searches shown in full", "200")
    .option("--json", "print one JSON object on stdout")
    .action(
      async (idOrName: string, flags: { store?: string; out: string; cases: string; json?: boolean }) => {
        const output = createOutput(flags);
        const store = openExistingStore(flags.store);
        try {
          const run = requireRun(store, idOrName);
          if (run.recipe !== redteamBenchmark.name)
            throw new InputError(`run ${run.id} is a ${run.recipe} run, not redteam`, "run");
          const paths = await writeBenchmarkReports(
            redteamBenchmark,
            store,
            run.id,
            path.resolve(flags.out),
            {
              maxCases: positiveInteger(flags.cases, "--cases"),
            },
          );
          output.result(
            { runId: run.id, report: { html: paths.reportHtml, json: paths.reportJson } },
            `report: ${paths.reportHtml}`,
          );
        } finally {
          store.close();
        }
      },
    );
  registerExport(redteam);
}

function registerExport(redteam: Command): void {
  redteam
    .command("export")
    .description("Write successful and near-successful attack dialogues as MMDS-format JSONL, images copied")
    .argument("<run>", "run id, id prefix or name")
    .requiredOption("--out <dir>", "folder for redteam-mmds.jsonl and images/")
    .option("--min-score <n>", "lowest best judge score exported (5: successes only)", "4")
    .option("--store <file>", "SQLite store file")
    .option("--json", "print one JSON object on stdout")
    .action(
      async (idOrName: string, flags: { out: string; minScore: string; store?: string; json?: boolean }) => {
        const output = createOutput(flags);
        const minScore = positiveInteger(flags.minScore, "--min-score");
        if (minScore > 5) throw new InputError("must be 1 to 5", "--min-score");
        const store = openExistingStore(flags.store);
        try {
          const run = requireRun(store, idOrName);
          if (run.recipe !== redteamBenchmark.name)
            throw new InputError(`run ${run.id} is a ${run.recipe} run, not redteam`, "run");
          const summary = await writeMmdsExport(store, run.id, path.resolve(flags.out), minScore);
          output.result(
            { runId: run.id, ...summary },
            `${summary.dialogues} dialogues, ${summary.images} images: ${summary.file}`,
          );
        } finally {
          store.close();
        }
      },
    );
}

/** Builds the run plan from flags and the optional YAML config (flags win). */
export async function planRedteamRun(
  flags: RedteamRunFlags,
  scope: AsyncDisposableStack,
): Promise<RedteamRunPlan> {
  const config: RedteamConfig = flags.config ? loadYamlFile(flags.config, redteamConfigSchema) : {};
  const configDir = flags.config ? path.dirname(path.resolve(flags.config)) : process.cwd();
  const storePath = resolveStorePath(flags.store);
  const imageDir = path.join(path.dirname(storePath), "redteam-images");
  const tasksFlag = flags.tasks ?? (config.tasks ? resolveFrom(configDir, config.tasks) : BUNDLED_TASKS);
  const tasks =
    tasksFlag === BUNDLED_TASKS
      ? await bundledTasks(imageDir)
      : await loadRedteamTasks(
          tasksFlag,
          flags.images ?? (config.images ? resolveFrom(configDir, config.images) : undefined),
        );
  const methods = flags.method ? methodList(flags.method) : (config.methods ?? ["mcts"]);
  let simulator: RunningSimulator | undefined;
  const build = async (
    spec: string | Record<string, unknown>,
    where: string,
    simModel: string,
  ): Promise<Target> => {
    if (spec !== "simulator")
      return buildTarget(spec, where, { baseDir: configDir, env: process.env }, scope);
    if (!simulator) {
      const started = await startSimulator({
        script: parseSimulatorScript(REDTEAM_SIMULATOR_SCRIPT_YAML, "red-team script"),
      });
      scope.defer(() => started.close());
      simulator = started;
    }
    return simulatorTarget(simulator, REDTEAM_SIMULATOR_SCRIPT_YAML, "redteam", simModel);
  };
  const targetSpecs = flags.target ?? config.targets;
  if (!targetSpecs) throw new InputError("name the model(s) to attack (simulator works offline)", "--target");
  const targets: Target[] = [];
  for (const [index, spec] of targetSpecs.entries())
    targets.push(await build(spec, `--target ${index + 1}`, "turnsafe-sim"));
  const attacker = await build(
    flags.attacker ?? config.attacker ?? "simulator",
    "--attacker",
    "turnsafe-sim-attacker",
  );
  const judge = await build(flags.judge ?? config.judge ?? "simulator", "--judge", "turnsafe-sim-judge");
  checkVision({ targets, tasks });
  const mcts = config.mcts;
  const defaults = DEFAULT_ATTACK_SETTINGS;
  return {
    name: flags.name ?? config.name ?? "redteam",
    tasksSource: tasksFlag === BUNDLED_TASKS ? BUNDLED_TASKS : path.resolve(tasksFlag),
    tasks,
    methods,
    samples: flags.samples ? positiveInteger(flags.samples, "--samples") : (config.samples ?? 1),
    targets,
    attacker,
    judge,
    settings: {
      ...defaults,
      maxRounds: flags.maxRounds
        ? positiveInteger(flags.maxRounds, "--max-rounds")
        : (config.max_rounds ?? defaults.maxRounds),
      iterations: flags.iterations
        ? positiveInteger(flags.iterations, "--iterations")
        : (config.iterations ?? defaults.iterations),
      maxRefused: config.max_refused ?? defaults.maxRefused,
      maxBacktracks: config.max_backtracks ?? defaults.maxBacktracks,
      seed: flags.seed ? integer(flags.seed, "--seed") : (config.seed ?? defaults.seed),
      targetSystemPrompt:
        config.target_system_prompt === undefined ? defaults.targetSystemPrompt : config.target_system_prompt,
      attackerParams: {
        ...defaults.attackerParams,
        temperature: config.attacker_temperature ?? defaults.attackerParams.temperature,
      },
      mcts: mcts
        ? {
            beta: mcts.beta,
            epsilon: mcts.epsilon,
            c: mcts.c,
            maxChildren: mcts.max_children,
            simRounds: mcts.sim_rounds,
            bestChildStart: mcts.best_child_start,
          }
        : defaults.mcts,
    },
    budget: flags.budget ? budgetFlag(flags.budget, "--budget") : fromConfig(config.budget),
    runBudget: flags.runBudget ? budgetFlag(flags.runBudget, "--run-budget") : fromConfig(config.run_budget),
    imageDir,
    storePath,
    reportDir: path.resolve(flags.reportDir),
    concurrency: flags.concurrency
      ? positiveInteger(flags.concurrency, "--concurrency")
      : (config.concurrency ?? 8),
    endpointConcurrency: positiveInteger(flags.endpointConcurrency, "--endpoint-concurrency"),
    cache: flags.cache,
    retry: {},
    prices: new PriceTable(),
    reportCases: positiveInteger(flags.reportCases, "--report-cases"),
    retryErrored: flags.retryErrors,
  };
}

function resolveFrom(dir: string, file: string): string {
  return path.resolve(dir, file);
}

function methodList(value: string): Method[] {
  const items = [
    ...new Set(
      value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
  for (const item of items)
    if (!METHODS.includes(item as Method))
      throw new InputError(`"${item}" is not one of ${METHODS.join(", ")}`, "--method");
  if (items.length === 0) throw new InputError(`name at least one of ${METHODS.join(", ")}`, "--method");
  return items as Method[];
}

function budgetFlag(value: string, flag: string): BudgetLimits {
  const parsed = parseBudget(value);
  if (typeof parsed === "string") throw new InputError(parsed, flag);
  return parsed;
}

function fromConfig(budget: RedteamConfig["budget"]): BudgetLimits {
  if (!budget) return {};
  const limits: BudgetLimits = {};
  if (budget.calls !== undefined) limits.calls = budget.calls;
  if (budget.tokens !== undefined) limits.tokens = budget.tokens;
  if (budget.cost !== undefined) limits.costUsd = budget.cost;
  if (budget.time !== undefined) limits.timeMs = budget.time * 1000;
  return limits;
}

function integer(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new InputError("must be a whole number", flag);
  return number;
}
