// turnsafe's CPU per call without the network in the way: the same replay run as the throughput
// bench, with model calls answered by an in-process fetch that returns a canned completion,
// against the same requests sent with the provider's AI SDK model called directly. Less noisy than the throughput bench's
// figure (no sockets, no simulator), so it is the one to watch when optimising.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { executeDialogueRun } from "../src/benchmarks/dialogues/dialogues-benchmark.ts";
import type { Target } from "../src/contracts/index.ts";
import type { Dialogue } from "../src/dialogue/dialogue.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { parseTargetSpec } from "../src/targets/provider-spec.ts";
import { createProviderTarget } from "../src/targets/provider-target.ts";
import { scriptedTarget } from "../src/testing/test-target.ts";
import {
  callGenerateText,
  callProviderModel,
  cpuOf,
  eightTurnDialogues,
  median,
  printFigure,
  toModelMessages,
  toProviderPrompt,
} from "./bench-support.ts";
import { primePromptSchema } from "./prime-prompt-schema.ts";

// The baseline is the AI SDK at its best (see prime-prompt-schema.ts).
primePromptSchema();

const body = JSON.stringify({
  id: "x",
  object: "chat.completion",
  created: 1,
  model: "m",
  choices: [
    { index: 0, message: { role: "assistant", content: "A short scripted answer." }, finish_reason: "stop" },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});
const fakeFetch: typeof fetch = async () =>
  new Response(body, { status: 200, headers: { "content-type": "application/json" } });
const N = Number(process.env.BENCH_CALLS ?? 20000);
function dialogues(offset: number): Generator<Dialogue> {
  return eightTurnDialogues(N, offset);
}
const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-cpu-"));
const model = createOpenAICompatible({
  name: "x",
  baseURL: "http://fake/v1",
  includeUsage: true,
  fetch: fakeFetch,
})("m");
const target = createProviderTarget(
  parseTargetSpec(
    { provider: "openai-compatible", model: "m", baseURL: "http://fake/v1", concurrency: 64 },
    "t",
  ),
  { env: {}, fetch: fakeFetch },
);
// Baseline requests are built before the clock starts; turnsafe reads its cases as it runs.
async function bare(offset: number) {
  const prompts = [...dialogues(offset)].map(toProviderPrompt);
  return (await cpuOf(() => callProviderModel(model, prompts, 64))) / N;
}
async function generateTextLoop(offset: number) {
  const list = [...dialogues(offset)].map(toModelMessages);
  return (await cpuOf(() => callGenerateText(model, list, 64))) / N;
}
async function full(offset: number, name: string, runTarget: Target = target) {
  const cpu0 = process.cpuUsage();
  await executeDialogueRun({
    name,
    dataIdentity: name,
    cases: () => dialogues(offset),
    imageBaseDir: dir,
    targets: [runTarget],
    judges: [],
    driver: "replay",
    storePath: path.join(dir, `${name}.db`),
    reportDir: path.join(dir, "r"),
    concurrency: 64,
    endpointConcurrency: 64,
    cache: true,
    retry: {},
    prices: new PriceTable(),
    reportCases: 20,
    config: {},
  });
  const c = process.cpuUsage(cpu0);
  return (c.user + c.system) / N;
}
await bare(1e6);
await generateTextLoop(1.5e6);
await full(2e6, "warm");
// Alternate and take medians: single CPU readings on a shared machine swing by tens of microseconds.
const overheads: number[] = [];
const bases: number[] = [];
const loops: number[] = [];
for (let round = 0; round < 3; round++) {
  const base = await bare(round * 3 * N);
  overheads.push((await full(3e6 + round * N, `real-${round}`)) - base);
  bases.push(base);
  loops.push(await generateTextLoop(round * 3 * N + 2 * N));
}
// The engine alone: the same run against an in-process target (no AI SDK, no HTTP client).
const engineOnly = await full(
  9e6,
  "engine-only",
  scriptedTarget(() => "A short scripted answer."),
);
printFigure({
  bench: "engine",
  metric: "turnsafe_cpu_per_call_no_network",
  value: median(overheads),
  unit: "us",
  target: 150,
  better: "lower",
});
printFigure({
  bench: "engine",
  metric: "provider_model_cpu_per_call_no_network",
  value: median(bases),
  unit: "us",
  target: null,
  better: "lower",
});
printFigure({
  bench: "engine",
  metric: "generate_text_loop_cpu_per_call_no_network",
  value: median(loops),
  unit: "us",
  target: null,
  better: "lower",
});
printFigure({
  bench: "engine",
  metric: "engine_only_cpu_per_call",
  value: engineOnly,
  unit: "us",
  target: null,
  better: "lower",
});

rmSync(dir, { recursive: true, force: true });
