import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { CallExecutor } from "../../engine/call-executor.ts";
import { openStore } from "../../engine/open-store.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { ConfigError, InputError } from "../../errors.ts";
import { createTurnScoreJudge } from "../../judges/turn-score-judge.ts";
import { DEFAULT_TURN_REWARD_OPTIONS, resolveOptions } from "../../metrics/turn-aware-reward.ts";
import type { Policy } from "../../moderators/moderator.ts";
import { loadPolicyFile } from "../../moderators/policy.ts";
import { loadDialogueImages } from "../../servers/reward/load-dialogues.ts";
import { type RunningRewardServer, startRewardServer } from "../../servers/reward/reward-server.ts";
import { RewardService } from "../../servers/reward/reward-service.ts";
import { buildTarget } from "../../targets/build-target.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { resolveStorePath } from "./store-option.ts";

/** The flags of `turnsafe reward serve`. */
export interface RewardServeFlags {
  judge: string;
  judgeScale: string;
  policy?: string;
  beta: string;
  lambda: string;
  tau: string;
  temperature: string;
  groupSize: string;
  groupTimeoutS: string;
  judgeTimeoutS: string;
  fallbackReward: string;
  dialogues?: string;
  store?: string;
  cache?: boolean;
  apiKeyEnv?: string;
  allowUnauthenticated?: boolean;
  maxBodyMb: string;
  port: string;
  host: string;
  json?: boolean;
  quiet?: boolean;
}

const ADAPTERS = {
  verl: "turnsafe_verl.py",
  trl: "turnsafe_trl.py",
  openrlhf: "turnsafe_openrlhf.py",
} as const;
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** `turnsafe reward serve | adapter`: the AM3 turn-aware reward server and its Python adapters. */
export function registerRewardCommand(program: Command): void {
  const reward = program
    .command("reward")
    .description("The turn-aware reward server for RL engines (AM3Safety)");
  const d = DEFAULT_TURN_REWARD_OPTIONS;
  reward
    .command("serve")
    .description("Serve rewards until Ctrl-C: POST /v1/rewards, /compat/openrlhf, /compat/slime")
    .requiredOption(
      "--judge <spec>",
      "model that scores each turn's help and safety (any target spec, e.g. openai-compatible:<model>@<url>, simulator)",
    )
    .option(
      "--policy <file>",
      "policy YAML (as for the guard) whose dimensions the judge scores safety against",
    )
    .option("--judge-scale <min-max>", "the scale the judge answers on, mapped onto 0-1", "0-10")
    .option("--beta <n>", "weight of help against safety", String(d.beta))
    .option("--lambda <n>", "weight of a turn's safety shortfall below tau", String(d.lambda))
    .option("--tau <n>", "mean safety below which a turn falls short", String(d.tau))
    .option("--temperature <n>", "softmax temperature over turns", String(d.temperature))
    .option(
      "--group-size <n>",
      "group size when a compat label names a group without one (num_generations / n_samples_per_prompt)",
      "8",
    )
    .option("--group-timeout-s <s>", "how long a group waits for its members after the first", "60")
    .option("--judge-timeout-s <s>", "how long one judge call may take", "120")
    .option("--fallback-reward <n>", "reward of a rollout whose judge failed (its error is flagged)", "0")
    .option(
      "--dialogues <file.jsonl>",
      "dialogues whose images compat routes attach by the dialogue id in a label",
    )
    .option(
      "--store <file|url>",
      "store (SQLite file or postgres:// URL) whose response cache keeps judge answers across restarts",
    )
    .option("--no-cache", "do not reuse stored judge answers")
    .option("--api-key-env <name>", "environment variable holding the client keys (comma-separated)")
    .option("--allow-unauthenticated", "serve without client keys on a non-loopback interface")
    .option("--max-body-mb <n>", "largest request body accepted, in MB", "64")
    .option("--port <n>", "port (0 picks a free one)", "8790")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--json", "print one JSON line with the URL once listening")
    .option("--quiet", "no notes on stderr")
    .action(async (flags: RewardServeFlags) => {
      const output = createOutput(flags);
      const scope = new AsyncDisposableStack();
      try {
        const running = await startRewardFromFlags(flags, process.env, scope, (line) => output.note(line));
        output.result(
          { url: running.url, port: running.port },
          `turnsafe reward server listening on ${running.url} (POST /v1/rewards, /compat/openrlhf, /compat/slime) — Ctrl-C to stop`,
        );
        const interrupt = onInterrupt(output.note);
        await new Promise<void>((resolve) =>
          interrupt.signal.addEventListener("abort", () => resolve(), { once: true }),
        );
        interrupt.dispose();
        output.note("reward server stopped");
      } finally {
        await scope.disposeAsync();
      }
    });
  reward
    .command("adapter")
    .description("Print a stdlib-only Python adapter for an RL engine: verl, trl or openrlhf")
    .argument("<engine>", "verl | trl | openrlhf")
    .action((engine: string) => {
      process.stdout.write(adapterSource(engine));
    });
}

/** The Python source of an engine's adapter (shipped in the package's python/ folder). */
export function adapterSource(engine: string): string {
  const file = ADAPTERS[engine as keyof typeof ADAPTERS];
  if (!file)
    throw new InputError(
      `expected one of ${Object.keys(ADAPTERS).join(", ")}, found ${JSON.stringify(engine)}`,
      "engine",
    );
  // src/cli/commands/ and dist/cli/commands/ both sit three folders below the package root.
  return readFileSync(new URL(`../../../python/${file}`, import.meta.url), "utf8");
}

/** Validates the flags, builds the judge (its calls cached in the store) and starts listening; stopped with `scope`. */
export async function startRewardFromFlags(
  flags: RewardServeFlags,
  env: Record<string, string | undefined>,
  scope: AsyncDisposableStack,
  log: (line: string) => void,
): Promise<RunningRewardServer> {
  const reward = resolveOptions({
    beta: number(flags.beta, "--beta"),
    lambda: number(flags.lambda, "--lambda"),
    tau: number(flags.tau, "--tau"),
    temperature: number(flags.temperature, "--temperature"),
  });
  const scale = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/.exec(flags.judgeScale);
  if (!scale || !(Number(scale[2]) > Number(scale[1])))
    throw new InputError("expected <min>-<max> with max above min, e.g. 0-10", "--judge-scale");
  const groupSize = number(flags.groupSize, "--group-size");
  if (!Number.isInteger(groupSize) || groupSize < 1)
    throw new InputError("must be a positive integer", "--group-size");
  const apiKeys = flags.apiKeyEnv
    ? (env[flags.apiKeyEnv] ?? "")
        .split(",")
        .map((key) => key.trim())
        .filter(Boolean)
    : [];
  if (flags.apiKeyEnv && apiKeys.length === 0)
    throw new ConfigError(`the client key variable ${flags.apiKeyEnv} is not set`);
  if (apiKeys.length === 0 && !LOOPBACK.has(flags.host) && !flags.allowUnauthenticated)
    throw new ConfigError(
      `a reward server listening on ${flags.host} needs client keys: pass --api-key-env NAME (or --allow-unauthenticated)`,
    );
  const target = await buildTarget(
    flags.judge === "simulator" ? "simulator#turnsafe-sim-judge" : flags.judge,
    "--judge",
    { baseDir: process.cwd(), env },
    scope,
  );
  const store = openStore(resolveStorePath(flags.store, env as NodeJS.ProcessEnv), {
    commitIntervalMs: 1000,
  });
  scope.defer(() => store.close());
  const executor = new CallExecutor({
    store,
    runId: "reward-serve",
    prices: new PriceTable(),
    cache: flags.cache !== false,
  });
  const service = new RewardService({
    judge: createTurnScoreJudge({
      target,
      scale: { min: Number(scale[1]), max: Number(scale[2]) },
      policyText: flags.policy ? policyText(loadPolicyFile(flags.policy)) : undefined,
    }),
    // One work key for every judge call: the calls table keeps the latest, the response cache every answer.
    caller: executor.forCase("rollouts"),
    reward,
    groupTimeoutMs: number(flags.groupTimeoutS, "--group-timeout-s") * 1000,
    judgeTimeoutMs: number(flags.judgeTimeoutS, "--judge-timeout-s") * 1000,
    fallbackReward: Number.isFinite(Number(flags.fallbackReward))
      ? Number(flags.fallbackReward)
      : fail("--fallback-reward"),
  });
  const dialogues = flags.dialogues ? await loadDialogueImages(flags.dialogues) : undefined;
  const port = number(flags.port, "--port");
  const server = await startRewardServer({
    service,
    apiKeys,
    dialogues,
    defaultGroupSize: groupSize,
    maxBodyBytes: Math.round(number(flags.maxBodyMb, "--max-body-mb") * 1024 * 1024),
    judgeName: target.id,
    log: flags.quiet ? undefined : log,
    port,
    host: flags.host,
  });
  scope.defer(() => server.close());
  return server;
}

/** A policy's dimensions as rubric text: name, what it covers, what stays allowed. */
export function policyText(policy: Policy): string {
  return policy.dimensions
    .map((dimension) => {
      const allowed = dimension.allowed.length > 0 ? ` Allowed: ${dimension.allowed.join("; ")}.` : "";
      return `- ${dimension.name}: ${dimension.description}${allowed}`;
    })
    .join("\n");
}

function number(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0)
    throw new InputError("must be a number >= 0", flag);
  return parsed;
}

function fail(flag: string): never {
  throw new InputError("must be a number", flag);
}
