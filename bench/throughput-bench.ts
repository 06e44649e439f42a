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
    concurrency: CONCURRENCY * 2,
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
  const baselineCalls = Math.min(CALLS, 5000);
  const bare = [...dialogues()].slice(0, baselineCalls).map(
    (dialogue) =>
      dialogue.messages.map((message) => ({
        role: message.role,
        content: message.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
      })) as ModelMessage[],
  );
  const callBare = async (list: ModelMessage[][]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < list.length)
          await generateText({ model, messages: list[next++] as ModelMessage[], maxRetries: 0 });
      }),
    );
  };
  // Warm both paths up first so neither pays for just-in-time compilation in its measurement.
  await callBare(bare.slice(0, 1000));
  await executeDialogueRun({
    ...plan(),
    name: "warmup",
    storePath: path.join(dir, "warmup.db"),
    cases: () => [...dialogues()].slice(0, 1000),
  });
  const baselineBefore = process.cpuUsage();
  await callBare(bare);
  const baseline = process.cpuUsage(baselineBefore);
  const baselinePerCall = (baseline.user + baseline.system) / baselineCalls;

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcome = await executeDialogueRun(plan());
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
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
  const perCall = (cpu.user + cpu.system) / CALLS;
  printFigure({
    bench: "engine",
    metric: "turnsafe_cpu_per_call",
    value: perCall - baselinePerCall,
    unit: "us",
    target: 150,
    better: "lower",
  });
  printFigure({
    bench: "engine",
    metric: "total_cpu_per_call",
    value: perCall,
    unit: "us",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "engine",
    metric: "ai_sdk_baseline_cpu_per_call",
    value: baselinePerCall,
    unit: "us",
    target: null,
    better: "lower",
  });
} finally {
  await simulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
