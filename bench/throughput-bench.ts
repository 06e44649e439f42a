// Throughput and CPU per call: 20,000 single-response calls (8-turn histories) at concurrency 64
// against the simulator with 100 ms latency, persistence on. Run by `npm run bench`.
// turnsafe_cpu_per_call = CPU per call through turnsafe (store, cache, scheduler, judging-free
// replay, report) minus CPU per call of the same requests sent with the provider's AI SDK model
// called directly (no turnsafe, no generateText).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { executeDialogueRun } from "../src/benchmarks/dialogues/dialogues-benchmark.ts";
import type { DialogueRunPlan } from "../src/benchmarks/dialogues/run-dialogues.ts";
import type { Dialogue } from "../src/dialogue/dialogue.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { nodeHttpFetch } from "../src/targets/node-http-fetch.ts";
import { parseTargetSpec } from "../src/targets/provider-spec.ts";
import { createProviderTarget } from "../src/targets/provider-target.ts";
import {
  callGenerateText,
  callProviderModel,
  cpuOf,
  eightTurnDialogues,
  median,
  printFigure,
  startSimulatorProcess,
  toModelMessages,
  toProviderPrompt,
} from "./bench-support.ts";
import { primePromptSchema } from "./prime-prompt-schema.ts";

// The baseline is the AI SDK at its best (see prime-prompt-schema.ts).
primePromptSchema();

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
  // Baselines: the same calls made with the AI SDK alone (same HTTP client, same concurrency), so
  // turnsafe's own CPU per call can be told apart from the SDK's and the HTTP stack's. The target
  // figure is measured against the provider's model called directly, the least any AI SDK client
  // does per call (and how turnsafe calls it); a generateText loop is measured for context.
  const model = createOpenAICompatible({
    name: "bench",
    baseURL: simulator.url,
    includeUsage: true,
    fetch: nodeHttpFetch,
  })("bench");
  const providerPrompts = (count: number, offset: number) =>
    [...eightTurnDialogues(count, offset)].map(toProviderPrompt);
  const sdkMessages = (count: number, offset: number) =>
    [...eightTurnDialogues(count, offset)].map(toModelMessages);
  // Warm every path up first so none pays for just-in-time compilation in its measurement.
  await callProviderModel(model, providerPrompts(1000, 1_000_000), CONCURRENCY);
  await callGenerateText(model, sdkMessages(1000, 1_500_000), CONCURRENCY);
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

  // CPU per call: alternate rounds of the baselines and of turnsafe on fresh requests, and take
  // medians, since one-off CPU readings on a shared machine swing by +-100 us. Baseline requests
  // are built before their clock starts; turnsafe's are read from its source as it runs.
  const ROUND = Math.min(3000, CALLS);
  const differences: number[] = [];
  const totals: number[] = [];
  const bases: number[] = [];
  const generateTextLoops: number[] = [];
  for (let round = 0; round < 5; round++) {
    const offset = 10_000_000 + round * 3 * ROUND;
    const prompts = providerPrompts(ROUND, offset);
    const base = (await cpuOf(() => callProviderModel(model, prompts, CONCURRENCY))) / ROUND;
    const total =
      (await cpuOf(() =>
        executeDialogueRun({
          ...plan(),
          name: `cpu-${round}`,
          storePath: path.join(dir, `cpu-${round}.db`),
          cases: () => eightTurnDialogues(ROUND, offset + ROUND),
        }),
      )) / ROUND;
    const messages = sdkMessages(ROUND, offset + 2 * ROUND);
    generateTextLoops.push((await cpuOf(() => callGenerateText(model, messages, CONCURRENCY))) / ROUND);
    differences.push(total - base);
    totals.push(total);
    bases.push(base);
  }
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
    metric: "provider_model_baseline_cpu_per_call",
    value: median(bases),
    unit: "us",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "engine",
    metric: "generate_text_loop_cpu_per_call",
    value: median(generateTextLoops),
    unit: "us",
    target: null,
    better: "lower",
  });
} finally {
  await simulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
