// Throughput under rate limiting: the same workload against the simulator (own process, 100 ms
// latency) fault-free, then with 5% 429 (Retry-After 1 s) and 2% 500 on every request. Run by
// `npm run bench throttling`. The figure is the faulty run's throughput over the clean run's:
// a 429 should delay only its own request, so the ratio stays near 1 (target >= 0.7).
// BENCH_DIALOGUES (default 2000) x BENCH_TURNS user turns (default 2, live driver: one call each).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { executeDialogueRun } from "../src/benchmarks/dialogues/dialogues-benchmark.ts";
import type { DialogueRunPlan } from "../src/benchmarks/dialogues/run-dialogues.ts";
import type { Dialogue } from "../src/dialogue/dialogue.ts";
import type { CallExecutor } from "../src/engine/call-executor.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { parseTargetSpec } from "../src/targets/provider-spec.ts";
import { createProviderTarget } from "../src/targets/provider-target.ts";
import { printFigure, startSimulatorProcess } from "./bench-support.ts";

const DIALOGUES = Number(process.env.BENCH_DIALOGUES ?? 2000);
const TURNS = Number(process.env.BENCH_TURNS ?? 2);
const CONCURRENCY = 64;
const LATENCY_MS = 100;

function* dialogues(offset: number, count: number): Generator<Dialogue> {
  for (let index = offset; index < offset + count; index++)
    yield {
      version: 1,
      id: `throttle-${index}`,
      messages: Array.from({ length: TURNS }, (_, turn) => ({
        role: "user" as const,
        content: [{ type: "text" as const, text: `Case ${index}, turn ${turn + 1}: go on with the story.` }],
      })),
      labels: {},
      metadata: {},
    };
}

const FAULTS = `faults:
  - { probability: 0.05, error: { status: 429, retry_after_s: 1, message: rate limited } }
  - { probability: 0.02, error: { status: 500, message: internal error } }
`;

async function measure(dir: string, name: string, faults: string, offset: number, count = DIALOGUES) {
  const script = path.join(dir, `${name}.yaml`);
  writeFileSync(
    script,
    `seed: 1\nlatency_ms: ${LATENCY_MS}\nmodels: [bench]\n${faults}default:\n  reply: "A short scripted answer for turn {{turn}}."\n`,
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
    const plan: DialogueRunPlan = {
      name,
      dataIdentity: `${name}:${Date.now()}`,
      cases: () => dialogues(offset, count),
      imageBaseDir: dir,
      targets: [target],
      judges: [],
      driver: "live",
      storePath: path.join(dir, `${name}.db`),
      reportDir: path.join(dir, "reports"),
      concurrency: CONCURRENCY,
      endpointConcurrency: CONCURRENCY,
      cache: true,
      retry: {},
      prices: new PriceTable(),
      reportCases: 20,
      config: {},
    };
    let executor: CallExecutor | undefined;
    const started = performance.now();
    const outcome = await executeDialogueRun(plan, { onExecutor: (value) => (executor = value) });
    const seconds = (performance.now() - started) / 1000;
    if (outcome.counts.done !== count)
      throw new Error(`${name}: only ${outcome.counts.done} of ${count} dialogues succeeded`);
    const stats = executor?.stats();
    process.stderr.write(
      `${name}: ${count * TURNS} calls in ${seconds.toFixed(2)} s; retries ${stats?.retries}, 429s ${stats?.rateLimited}, ` +
        `5xx ${stats?.serverErrors}, concurrency cuts ${stats?.endpoints[0]?.decreases}, allowed at the end ${stats?.allowed}/${stats?.maxConcurrency}\n`,
    );
    return (count * TURNS) / seconds;
  } finally {
    await simulator.stop();
  }
}

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-bench-throttle-"));
try {
  // A short warm-up so neither measured run pays for just-in-time compilation.
  await measure(dir, "warmup", "", 1_000_000, 300);
  const clean = await measure(dir, "clean", "", 0);
  const faulty = await measure(dir, "faulty", FAULTS, 100_000);
  printFigure({
    bench: "throttling",
    metric: "throughput_ratio_with_faults",
    value: faulty / clean,
    unit: "ratio",
    target: 0.7,
    better: "higher",
  });
  printFigure({
    bench: "throttling",
    metric: "throughput_clean",
    value: clean,
    unit: "calls/s",
    target: null,
    better: "higher",
  });
  printFigure({
    bench: "throttling",
    metric: "throughput_with_faults",
    value: faulty,
    unit: "calls/s",
    target: null,
    better: "higher",
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
