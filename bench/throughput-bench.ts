// Throughput and CPU per call: 20,000 single-response calls (8-turn histories) at concurrency 64
// against the simulator with 100 ms latency, persistence on. Run by `npm run bench`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Dialogue, Message } from "../src/dialogue/dialogue.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { executeDialogueRun } from "../src/recipes/run-dialogues.ts";
import { parseTargetSpec } from "../src/targets/provider-spec.ts";
import { createProviderTarget } from "../src/targets/provider-target.ts";
import { printFigure, startSimulatorProcess } from "./bench-support.ts";

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const CONCURRENCY = 64;
const LATENCY_MS = 100;

function* dialogues(): Generator<Dialogue> {
  for (let index = 0; index < CALLS; index++) {
    const messages: Message[] = [];
    for (let turn = 1; turn <= 8; turn++) {
      messages.push({
        role: "user",
        content: [
          {
            type: "text",
            text: `Case ${index}, turn ${turn}: tell me more about topic ${turn} of the story so far.`,
          },
        ],
      });
      if (turn < 8)
        messages.push({
          role: "assistant",
          content: [
            {
              type: "text",
              text: `Here is part ${turn} of the answer, with a few sentences of detail about the topic.`,
            },
          ],
        });
    }
    yield { version: 1, id: `bench-${index}`, messages, labels: {}, metadata: {} };
  }
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
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcome = await executeDialogueRun({
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
    target: 0.9 * ideal,
    better: "higher",
  });
  printFigure({
    bench: "engine",
    metric: "cpu_per_call",
    value: (cpu.user + cpu.system) / CALLS,
    unit: "us",
    target: 150,
    better: "lower",
  });
} finally {
  await simulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
