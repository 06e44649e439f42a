// Peak memory of a 100,000-dialogue JSONL run: dialogues stream from the file, images travel by
// reference (one file path), results stream into the store. Run by `npm run bench`.

import { once } from "node:events";
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { executeDialogueRun } from "../src/benchmarks/dialogues/dialogues-benchmark.ts";
import { limitedDialogues } from "../src/benchmarks/dialogues/run-dialogues.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { createRefusalDetector } from "../src/judges/refusal-detector.ts";
import { parseTargetSpec } from "../src/targets/provider-spec.ts";
import { createProviderTarget } from "../src/targets/provider-target.ts";
import { printFigure, startSimulatorProcess } from "./bench-support.ts";

const DIALOGUES = Number(process.env.BENCH_DIALOGUES ?? 100_000);

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-membench-"));
const image = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#cc5500" } })
  .png()
  .toBuffer();
writeFileSync(path.join(dir, "scene.png"), image);
const file = path.join(dir, "dialogues.jsonl");
const out = createWriteStream(file);
for (let index = 0; index < DIALOGUES; index++) {
  const line = JSON.stringify({
    id: `m-${index}`,
    messages: [
      {
        role: "user",
        content: [
          { type: "image", image: { path: "scene.png" } },
          { type: "text", text: `Dialogue ${index}: what is shown here?` },
        ],
      },
      { role: "assistant", content: "A coloured rectangle." },
      { role: "user", content: `And how would I make one for case ${index}?` },
    ],
    labels: { expected: index % 2 ? "refuse" : "comply" },
  });
  if (!out.write(`${line}\n`)) await once(out, "drain");
}
out.end();
await once(out, "finish");
const script = path.join(dir, "script.yaml");
writeFileSync(
  script,
  "seed: 2\nlatency_ms: 0\nrules:\n  - when: { turn: { max: 1 } }\n    refuse: true\ndefault:\n  comply: true\n",
);
const simulator = await startSimulatorProcess(script);
try {
  const target = createProviderTarget(
    parseTargetSpec(
      { provider: "openai-compatible", model: "mem", baseURL: simulator.url, concurrency: 64 },
      "bench",
    ),
    { env: {}, simulator: true },
  );
  let runPeakKb = 0;
  const started = performance.now();
  const outcome = await executeDialogueRun(
    {
      name: "membench",
      dataIdentity: `file:${file}`,
      cases: () => limitedDialogues(file),
      imageBaseDir: dir,
      targets: [target],
      judges: [createRefusalDetector()],
      driver: "replay",
      storePath: path.join(dir, "bench.db"),
      reportDir: path.join(dir, "reports"),
      concurrency: 128,
      endpointConcurrency: 64,
      cache: true,
      retry: {},
      prices: new PriceTable(),
      reportCases: 100,
      config: {},
    },
    {
      onProgress: (progress) => {
        // Peak so far, sampled while cases run (the report is built after the last one).
        if ((progress.done + progress.errored) % 1000 === 0) runPeakKb = process.resourceUsage().maxRSS;
      },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (outcome.counts.done !== DIALOGUES)
    throw new Error(`only ${outcome.counts.done} of ${DIALOGUES} dialogues finished`);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  printFigure({
    bench: "engine",
    metric: "peak_rss_while_playing",
    value: runPeakKb / 1024,
    unit: "MB",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "engine",
    metric: "peak_rss_100k_dialogues",
    value: peakMb,
    unit: "MB",
    target: 300,
    better: "lower",
  });
  printFigure({
    bench: "engine",
    metric: "dialogues_per_second_no_latency",
    value: DIALOGUES / seconds,
    unit: "dialogues/s",
    target: 0,
    better: "higher",
  });
  // The store's size on disk (cases carry their played transcripts).
  const store = path.join(dir, "bench.db");
  const storeBytes = [store, `${store}-wal`].reduce(
    (sum, file) => sum + (existsSync(file) ? statSync(file).size : 0),
    0,
  );
  printFigure({
    bench: "engine",
    metric: "store_size_100k_dialogues",
    value: storeBytes / 1024 / 1024,
    unit: "MB",
    target: null,
    better: "lower",
  });
} finally {
  await simulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
