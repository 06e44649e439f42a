// Viewer responsiveness at 100k cases: two 100,000-case dialogue runs (two targets, safety and
// 1-5 harm verdicts, every fifth case with an image, every 40th errored) in a store; the viewer
// serves them over HTTP on 127.0.0.1 and each page or filter is fetched 5 times (median shown).
// The first visit of a run starts reading it into the viewer's in-memory index, in chunks; every
// later page, filter, sort, search and comparison is answered from that index. Run by
// `npm run bench view`. BENCH_VIEW_CASES changes the size; the store is kept in the temp folder
// between runs (rebuilt when the fixture changes).
import { existsSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { startViewer } from "../src/servers/viewer/viewer-server.ts";
import { fillViewerRun } from "../src/testing/viewer-fixture.ts";
import { printFigure } from "./bench-support.ts";

const CASES = Number(process.env.BENCH_VIEW_CASES ?? 100_000);
const TARGET_MS = 200;
const REPEATS = 5;
const file = path.join(tmpdir(), `turnsafe-view-bench-v2-${CASES}.db`);

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

/** Wall time of one request, and the CPU time this process spent on it (viewer and client). */
async function fetchOnce(url: string): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const response = await fetch(`${base}${url}`);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

const middle = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function median(url: string): Promise<{ wall: number; cpu: number }> {
  const times: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < REPEATS; i++) times.push(await fetchOnce(url));
  return { wall: middle(times.map((time) => time.wall)), cpu: middle(times.map((time) => time.cpu)) };
}

const figure = (metric: string, value: number, target: number | null) =>
  printFigure({ bench: "view", metric, value, unit: "ms", target, better: "lower" });

// On a shared machine wall times include waiting for a core: the load average says how busy it was.
process.stderr.write(
  `load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(" ")} on ${cpus().length} cores\n`,
);

try {
  // The runs list first (as a user would): it computes each run's summary in the background.
  await fetchOnce("/");
  await new Promise((resolve) => setTimeout(resolve, 3000));
  // The first visit answers at once ("loading n of N") and reads the run in chunks, one per turn
  // of the event loop: the runs list is asked meanwhile, and the event loop's longest block is
  // measured (the viewer runs in this process).
  const started = performance.now();
  const first = await fetchOnce("/runs/bench-a");
  figure(`first visit of a ${CASES}-case run, wall (answers "loading n of N")`, first.wall, TARGET_MS);
  figure(`first visit of a ${CASES}-case run, CPU`, first.cpu, null);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const answers: number[] = [];
  for (;;) {
    const page = await (await fetch(`${base}/runs/bench-a`)).text();
    if (!page.includes("data-loading")) break;
    answers.push((await fetchOnce("/")).wall);
  }
  delay.disable();
  figure(
    `${CASES}-case run read into the index, wall until the grid opens`,
    performance.now() - started,
    null,
  );
  figure(
    `runs list while it is read, median wall (${answers.length} asked)`,
    middle([...answers]),
    TARGET_MS,
  );
  figure("runs list while it is read, slowest wall", Math.max(...answers), null);
  figure("event loop's longest block while it is read", delay.max / 1e6, TARGET_MS);
  await fetchOnce("/runs/bench-b");
  while ((await (await fetch(`${base}/runs/bench-b`)).text()).includes("data-loading"))
    await new Promise((resolve) => setTimeout(resolve, 50));
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
  for (const [metric, url] of pages) {
    const time = await median(url);
    figure(`${metric}, wall`, time.wall, TARGET_MS);
    figure(`${metric}, CPU`, time.cpu, null);
  }
  printFigure({
    bench: "view",
    metric: "resident memory with both runs indexed",
    value: process.memoryUsage().rss / 1e6,
    unit: "MB",
    target: null,
    better: "lower",
  });
} finally {
  await viewer.close();
  store.close();
}
