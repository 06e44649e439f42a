// Worker throughput of distributed runs: one `run --distributed --no-play` enqueues a run of
// one-call cases, then 1, 2 and 4 `turnsafe worker` processes play it against the simulator, whose
// endpoint allows 256 concurrent calls (endpointConcurrency 256, shared by all workers) and
// answers each call after a fixed latency. Ideal throughput is the endpoint's: 256 / latency.
// Figures: calls per second from the first to the last call, as a fraction of ideal (target >= 0.85);
// the workers' CPU per call (their own report, less an idle worker's start-up); a plain single-process
// `turnsafe run` on the same store for comparison; the endpoint's most calls in flight (<= 256).
// BENCH_CASES (default 3000) and BENCH_LATENCY_MS (default 250) size it.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { startSimulator } from "../src/simulator/simulator-server.ts";
import { startTestPostgres } from "../src/testing/embedded-postgres.ts";
import { printFigure } from "./bench-support.ts";

const CASES = Number(process.env.BENCH_CASES ?? 3000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 250);
const SLOTS = 256;
const BIN = path.resolve(import.meta.dirname, "../bin/turnsafe.js");

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-workers-bench-"));
const postgres = await startTestPostgres();
const simulator = await startSimulator({
  script: parseSimulatorScript(
    `seed: 1\nlatency_ms: [${LATENCY_MS}, ${LATENCY_MS}]\ndefault:\n  comply: true\n`,
    "bench.yaml",
  ),
});
writeFileSync(
  path.join(dir, "cases.jsonl"),
  `${Array.from({ length: CASES }, (_, i) => JSON.stringify({ id: `b-${i}`, messages: [{ role: "user", content: `q${i}` }] })).join("\n")}\n`,
);
const config = path.join(dir, "config.yaml");
writeFileSync(
  config,
  [
    "name: workers-bench",
    "data: cases.jsonl",
    `target: openai-compatible:turnsafe-sim@${simulator.url}`,
    "judges: []",
    `endpointConcurrency: ${SLOTS}`,
    "",
  ].join("\n"),
);

function cli(args: string[]): { child: ChildProcess; exited: Promise<number | null>; stdout: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  return { child, exited: new Promise((resolve) => child.once("close", resolve)), stdout: () => stdout };
}

/** CPU the worker processes spent (their `--json` result) less their start-up, per call played. */
const workerCpuPerCall = new Map<number, number>();
let startupCpu = 0;

/** CPU of a worker that starts, finds no job and stops: its start-up, subtracted per worker. */
async function idleWorkerCpu(): Promise<number> {
  const url = await postgres.createDatabase("bench_idle");
  const worker = cli(["worker", "--store", url, "--once", "--quiet", "--json"]);
  await worker.exited;
  return Number(JSON.parse(worker.stdout()).cpuSeconds);
}

/** Calls per second of `workers` worker processes (0: one plain `turnsafe run` on the same store). */
async function throughput(workers: number): Promise<number> {
  const url = await postgres.createDatabase(`bench_${workers}`);
  const before = simulator.stats().requests;
  const coordinator = cli(
    workers === 0
      ? ["run", config, "--store", url, "--quiet"]
      : ["run", config, "--store", url, "--distributed", "--no-play", "--quiet"],
  );
  const started = Array.from({ length: workers }, () =>
    cli(["worker", "--store", url, "--concurrency", String(Math.ceil(SLOTS / workers)), "--quiet", "--json"]),
  );
  let first = 0;
  let last = 0;
  let seen = before;
  const poll = setInterval(() => {
    const requests = simulator.stats().requests;
    if (requests > seen) {
      if (!first) first = performance.now();
      last = performance.now();
      seen = requests;
    }
  }, 10);
  const code = await coordinator.exited;
  clearInterval(poll);
  for (const worker of started) worker.child.kill("SIGTERM");
  await Promise.all(started.map((worker) => worker.exited));
  if (code !== 0) throw new Error(`run --distributed exited with ${code}`);
  const calls = simulator.stats().requests - before;
  if (workers > 0) {
    const cpu = started.reduce((sum, worker) => sum + Number(JSON.parse(worker.stdout()).cpuSeconds), 0);
    workerCpuPerCall.set(workers, ((cpu - workers * startupCpu) * 1e6) / calls);
  }
  // The last call started at `last` and took LATENCY_MS more to answer.
  return calls / ((last - first + LATENCY_MS) / 1000);
}

try {
  const ideal = SLOTS / (LATENCY_MS / 1000);
  startupCpu = await idleWorkerCpu();
  printFigure({
    bench: "distributed",
    metric: "worker_startup_cpu",
    value: startupCpu * 1000,
    unit: "ms (a worker that finds no job)",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "distributed",
    metric: "single_process_run_calls_per_s",
    value: await throughput(0),
    unit: "calls/s",
    target: null,
    better: "higher",
  });
  const counts = (process.env.BENCH_WORKERS ?? "1,2,4").split(",").map(Number);
  for (const workers of counts) {
    const rate = await throughput(workers);
    printFigure({
      bench: "distributed",
      metric: `workers_${workers}_calls_per_s`,
      value: rate,
      unit: "calls/s",
      target: null,
      better: "higher",
    });
    printFigure({
      bench: "distributed",
      metric: `workers_${workers}_cpu_per_call`,
      value: workerCpuPerCall.get(workers) ?? 0,
      unit: "us (all workers, less their start-up)",
      target: null,
      better: "lower",
    });
    printFigure({
      bench: "distributed",
      metric: `workers_${workers}_fraction_of_ideal`,
      value: rate / ideal,
      unit: `of ${Math.round(ideal)} calls/s`,
      target: 0.85,
      better: "higher",
    });
  }
  printFigure({
    bench: "distributed",
    metric: "max_in_flight_at_endpoint",
    value: simulator.stats().maxInFlight,
    unit: `calls (limit ${SLOTS})`,
    target: SLOTS,
    better: "lower",
  });
} finally {
  await simulator.close();
  await postgres.stop();
}
