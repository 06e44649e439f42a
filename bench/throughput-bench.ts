// Throughput and CPU per call: 20,000 single-response calls (8-turn histories) at concurrency 64
// against the simulator with 100 ms latency, persistence on. Run by `npm run bench`.
// turnsafe_cpu_per_call = CPU per call through turnsafe (store, cache, scheduler, judging-free
// replay, report) minus CPU per call of the same requests made with the bare AI SDK.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, type ModelMessage } from "ai";
import type { Dialogue } from "../src/dialogue/dialogue.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { type DialogueRunPlan, executeDialogueRun } from "../src/recipes/run-dialogues.ts";
import { nodeHttpFetch } from "../src/targets/node-http-fetch.ts";
import { parseTargetSpec } from "../src/targets/provider-spec.ts";
import { createProviderTarget } from "../src/targets/provider-target.ts";
import { eightTurnDialogues, printFigure, startSimulatorProcess } from "./bench-support.ts";

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const CONCURRENCY = 64;
const LATENCY_MS = 100;

function dialogues(): Generator<Dialogue> {
  return eightTurnDialogues(CALLS);
}

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-bench-"));
const script = path.join(dir, "script.yaml");
writeFileSync(
  script,
  `seed: 1\nlatency_ms: ${LATENCY_MS}\nmodels: [bench]\ndefault:\n  reply: "A short scripted answer for turn {{turn}}."\n`,
);
const simulator = await startSimulatorProcess(script);
try {
  const target = createProviderTarget(
    parseTargetSpec(
      { provider: "openai-compatible", model: "bench", baseURL: simulator.url, concurrency: CONCURRENCY },
      "bench",
    ),
    { env: {}, simulator: true },
  );
  const plan = (): DialogueRunPlan => ({
    name: "bench",
    dataIdentity: `bench:${Date.now()}`,
    cases: dialogues,
    imageBaseDir: dir,
    targets: [target],
    judges: [],
    driver: "replay",
    storePath: path.join(dir, "bench.db"),
    reportDir: path.join(dir, "reports"),
    // As many cases in flight as calls allowed, as in the bare-SDK baseline.
    concurrency: CONCURRENCY,
    endpointConcurrency: CONCURRENCY,
    cache: true,
    retry: {},
    prices: new PriceTable(),
    reportCases: 20,
    config: {},
  });
  // Baseline: the same calls made with the AI SDK alone (same HTTP client, same concurrency),
  // so turnsafe's own CPU per call can be told apart from the SDK's and the HTTP stack's.
  const model = createOpenAICompatible({
    name: "bench",
    baseURL: simulator.url,
    includeUsage: true,
    fetch: nodeHttpFetch,
  })("bench");
  const toBare = (dialogue: Dialogue) =>
    dialogue.messages.map((message) => ({
      role: message.role,
      content: message.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
    })) as ModelMessage[];
  const callBare = async (list: ModelMessage[][]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < list.length)
          await generateText({ model, messages: list[next++] as ModelMessage[], maxRetries: 0 });
      }),
    );
  };
  const cpuOf = async (work: () => Promise<unknown>) => {
    const before = process.cpuUsage();
    await work();
    const used = process.cpuUsage(before);
    return used.user + used.system;
  };
  // Warm both paths up first so neither pays for just-in-time compilation in its measurement.
  await callBare([...eightTurnDialogues(1000, 1_000_000)].map(toBare));
  await executeDialogueRun({
    ...plan(),
    name: "warmup",
    storePath: path.join(dir, "warmup.db"),
    cases: () => eightTurnDialogues(1000, 2_000_000),
  });

  // Throughput: the full run, store on.
  const started = performance.now();
  const outcome = await executeDialogueRun(plan());
  const seconds = (performance.now() - started) / 1000;
  if (outcome.counts.done !== CALLS)
    throw new Error(`only ${outcome.counts.done} of ${CALLS} calls succeeded`);
  const ideal = CONCURRENCY / (LATENCY_MS / 1000);
  const throughput = CALLS / seconds;
  printFigure({
    bench: "engine",
    metric: "throughput_fraction_of_ideal",
    value: throughput / ideal,
    unit: "ratio",
    target: 0.9,
    better: "higher",
  });
  printFigure({
    bench: "engine",
    metric: "throughput",
    value: throughput,
    unit: "calls/s",
    target: null,
    better: "higher",
  });

  // CPU per call: alternate rounds of the bare AI SDK and of turnsafe on fresh requests, and take
  // the median difference, since one-off CPU readings on a shared machine swing by +-100 us.
  const ROUND = Math.min(3000, CALLS);
  const differences: number[] = [];
  const totals: number[] = [];
  const bases: number[] = [];
  for (let round = 0; round < 5; round++) {
    const offset = 10_000_000 + round * 2 * ROUND;
    const bareList = [...eightTurnDialogues(ROUND, offset)].map(toBare);
    const base = (await cpuOf(() => callBare(bareList))) / ROUND;
    const total =
      (await cpuOf(() =>
        executeDialogueRun({
          ...plan(),
          name: `cpu-${round}`,
          storePath: path.join(dir, `cpu-${round}.db`),
          cases: () => eightTurnDialogues(ROUND, offset + ROUND),
        }),
      )) / ROUND;
    differences.push(total - base);
    totals.push(total);
    bases.push(base);
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  printFigure({
    bench: "engine",
    metric: "turnsafe_cpu_per_call",
    value: median(differences),
    unit: "us",
    target: 150,
    better: "lower",
  });
  printFigure({
    bench: "engine",
    metric: "total_cpu_per_call",
    value: median(totals),
    unit: "us",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "engine",
    metric: "ai_sdk_baseline_cpu_per_call",
    value: median(bases),
    unit: "us",
    target: null,
    better: "lower",
  });
} finally {
  await simulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
