import path from "node:path";
import { BUNDLED_TASKS, bundledTasks } from "../../benchmarks/redteam/bundled-tasks.ts";
import { METHODS, type Method } from "../../benchmarks/redteam/planners.ts";
import { type RedteamConfig, redteamConfigSchema } from "../../benchmarks/redteam/redteam-config.ts";
import { DEFAULT_ATTACK_SETTINGS } from "../../benchmarks/redteam/redteam-defaults.ts";
import { checkVision, type RedteamRunPlan } from "../../benchmarks/redteam/redteam-run.ts";
import { loadRedteamTasks } from "../../benchmarks/redteam/redteam-task.ts";
import { type BudgetLimits, parseBudget } from "../../benchmarks/redteam/search-budget.ts";
import { loadYamlFile } from "../../config/load-yaml.ts";
import type { Target } from "../../contracts/index.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { InputError } from "../../errors.ts";
import { REDTEAM_SIMULATOR_SCRIPT_YAML } from "../../simulator/redteam-script.ts";
import { parseSimulatorScript } from "../../simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../../simulator/simulator-server.ts";
import { buildImageModel, imageSize } from "../../targets/build-image-model.ts";
import { buildTarget, simulatorTarget } from "../../targets/build-target.ts";
import { buildRedteamScorer, scorerConfig } from "./redteam-scorer.ts";
import { positiveInteger } from "./run-command.ts";
import { resolveStorePath } from "./store-option.ts";

/** The flags of `turnsafe redteam run`. */
export interface RedteamRunFlags {
  config?: string;
  tasks?: string;
  images?: string;
  method?: string;
  target?: string[];
  attacker?: string;
  judge?: string;
  imageModel?: string;
  imageSize?: string;
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
  const judgeSpec = flags.judge ?? config.judge ?? "simulator";
  const judgeWhere = flags.judge ? "--judge" : "judge";
  const scoring = scorerConfig(judgeSpec, judgeWhere);
  const scorer = scoring ? await buildRedteamScorer(scoring, judgeWhere, configDir, scope) : undefined;
  const judge = scorer ? null : await build(judgeSpec, "--judge", "turnsafe-sim-judge");
  const imageModelSpec = flags.imageModel ?? config.image_model;
  const imageModel =
    imageModelSpec === undefined
      ? undefined
      : await buildImageModel(
          imageModelSpec,
          flags.imageModel ? "--image-model" : "image_model",
          {
            baseDir: configDir,
            env: process.env,
            size: flags.imageSize ? imageSize(flags.imageSize, "--image-size") : config.image_size,
          },
          scope,
        );
  checkVision({ targets, tasks, ...(imageModel ? { imageModel } : {}) });
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
    ...(scorer ? { scorer } : {}),
    ...(imageModel ? { imageModel } : {}),
    settings: {
      ...defaults,
      maxRounds: flags.maxRounds
        ? positiveInteger(flags.maxRounds, "--max-rounds")
        : (config.max_rounds ?? defaults.maxRounds),
      iterations: flags.iterations
        ? positiveInteger(flags.iterations, "--iterations")
        : (config.iterations ?? defaults.iterations),
      maxRefused: config.max_refused ?? defaults.maxRefused,
      ...(config.judge_sees_images ? { judgeSeesImages: true } : {}),
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
    // MMRT's wall-time limit per task (2,000 s) unless a time budget is given.
    budget: {
      timeMs: 2_000_000,
      ...(flags.budget ? budgetFlag(flags.budget, "--budget") : fromConfig(config.budget)),
    },
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
