// Viewer responsiveness at 100k cases: two 100,000-case dialogue runs (two targets, safety and
// 1-5 harm verdicts, every fifth case with an image, every 40th errored) in a store; the viewer
// serves them over HTTP on 127.0.0.1 and each page or filter is fetched 5 times (median shown).
// The first visit of a run reads it into the viewer's in-memory index (shown for context); every
// later page, filter, sort, search and comparison is answered from that index. Run by
// `npm run bench view`. BENCH_VIEW_CASES changes the size; the store is kept in the temp folder
// between runs (rebuilt when the fixture changes).
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { startViewer } from "../src/servers/viewer/viewer-server.ts";
import { fillViewerRun } from "../src/testing/viewer-fixture.ts";
import { printFigure } from "./bench-support.ts";

const CASES = Number(process.env.BENCH_VIEW_CASES ?? 100_000);
const TARGET_MS = 200;
const REPEATS = 5;
const file = path.join(tmpdir(), `turnsafe-view-bench-v1-${CASES}.db`);

if (!existsSync(file)) {
  const started = performance.now();
  const writer = new SqliteStore(`${file}.part`, { commitIntervalMs: 1000 });
  fillViewerRun(writer, { runId: "bench-a", cases: CASES, seed: 1 });
  fillViewerRun(writer, { runId: "bench-b", cases: CASES, seed: 2 });
  writer.close();
  const { renameSync } = await import("node:fs");
  renameSync(`${file}.part`, file);
  for (const suffix of ["-wal", "-shm"]) rmSync(`${file}.part${suffix}`, { force: true });
  process.stderr.write(
    `built the ${CASES}-case store in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

const store = new SqliteStore(file);
const viewer = await startViewer({ store, port: 0 });
const base = viewer.url.replace(/\/$/, "");

async function fetchOnce(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}${url}`);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  return performance.now() - started;
}

async function median(url: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) times.push(await fetchOnce(url));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

const figure = (metric: string, value: number, target: number | null) =>
  printFigure({ bench: "view", metric, value, unit: "ms", target, better: "lower" });

try {
  figure(
    `first visit of a ${CASES}-case run (reads it into the index)`,
    await fetchOnce("/runs/bench-a"),
    null,
  );
  await fetchOnce("/runs/bench-b");
  const run = "/runs/bench-a";
  const pages: [string, string][] = [
    ["runs list", "/"],
    ["case grid, first page", run],
    ["filter: verdict unsafe", `${run}?verdict=unsafe`],
    ["filter: verdict unsafe, page 400", `${run}?verdict=unsafe&page=400`],
    ["filter: judge safety, target, unsafe", `${run}?judge=safety&target=sim%3Abeta&verdict=unsafe`],
    ["filter: errored cases", `${run}?status=errored`],
    ["filter: unparsed verdicts", `${run}?score=unparsed`],
    ["filter: 3 user turns, category fraud", `${run}?turns=3&category=fraud`],
    ["search transcripts (rare text)", `${run}?q=case%2099999%2C`],
    ["search transcripts (common text)", `${run}?q=sure%2C%20here`],
    ["sort by harm score", `${run}?judge=harm&sort=score-desc`],
    ["case page with an image", `${run}/cases/case-000010`],
    [
      "compare two runs (100k pairs, McNemar, per category)",
      "/compare?a=bench-a&armA=sim%3Aalpha&b=bench-b&armB=sim%3Aalpha&judge=safety&fail=unsafe",
    ],
  ];
  for (const [metric, url] of pages) figure(metric, await median(url), TARGET_MS);
} finally {
  await viewer.close();
  store.close();
}
