// The outside bench: `turnsafe run` measured as a user runs it. It generates the workload (static
// 8-turn chats, ~7 KB per request, all distinct), starts an OpenAI-compatible stub answering in
// 100 ms in its own process, runs `bin/turnsafe.js run` as a child process (64 connections, store
// on, cache off, refusal judge) under /usr/bin/time, and reports from the OS and the stub:
// fraction of ideal (N / wall / 640, whole run and steady state), CPU per request (user + system
// of the child), peak RSS (the child's max resident set) and time to the first request.
//
//   npm run bench outside                      N = 2,000, 20,000 and 100,000
//   TURNSAFE_BENCH_N=2000 npm run bench outside  quick (any comma-separated list of N)
//   node bench/outside-bench.ts --n 2000 --run-concurrency 64
//     (also sets the run-level `concurrency`; by default only the target's `concurrency: 64` is
//     set, as the README shows, and cases in flight follow it)
//   TURNSAFE_BENCH_CPU_PROF=/tmp/prof TURNSAFE_BENCH_N=2000 npm run bench outside
//     (also writes a --cpu-prof profile of the child to /tmp/prof)
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { printFigure } from "./bench-support.ts";
import { startStub } from "./outside/start-stub.ts";
import { writeWorkload } from "./outside/workload.ts";

const CONNECTIONS = 64;
const LATENCY_MS = 100;
const IDEAL_PER_SECOND = CONNECTIONS / (LATENCY_MS / 1000);
const TIME = "/usr/bin/time";

interface Options {
  sizes: number[];
  /** Run-level `concurrency` written in the config, or undefined to leave the default. */
  runConcurrency: number | undefined;
}

function options(): Options {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const sizes = (value("--n") ?? process.env.TURNSAFE_BENCH_N ?? "2000,20000,100000")
    .split(",")
    .map((text) => Number(text.replace(/_/g, "")));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error("--n: positive integers");
  const concurrency = value("--run-concurrency") ?? process.env.TURNSAFE_BENCH_RUN_CONCURRENCY ?? "default";
  return { sizes, runConcurrency: concurrency === "default" ? undefined : Number(concurrency) };
}

async function measure(size: number, runConcurrency: number | undefined): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-outside-"));
  const stub = await startStub(LATENCY_MS);
  try {
    const dataBytes = await writeWorkload(path.join(dir, "data.jsonl"), size);
    const target = `{provider: openai-compatible, model: stub, baseURL: "${stub.url}", concurrency: ${CONNECTIONS}}`;
    const config = [
      "name: outside",
      "data: data.jsonl",
      `targets: [${target}]`,
      "judges: [refusal]",
      "driver: replay",
      "cache: false",
      "store: store.db",
      "reportDir: reports",
      ...(runConcurrency === undefined ? [] : [`concurrency: ${runConcurrency}`]),
    ].join("\n");
    writeFileSync(path.join(dir, "config.yaml"), `${config}\n`);
    const load = loadavg()[0] ?? 0;
    const bin = path.resolve(import.meta.dirname, "../bin/turnsafe.js");
    const timeFile = path.join(dir, "time.txt");
    const started = Date.now();
    const child = spawn(
      TIME,
      [
        "-o",
        timeFile,
        "-f",
        "%e %U %S %M",
        process.execPath,
        "--max-semi-space-size=32",
        "--heap-growing-percent=100",
        // TURNSAFE_BENCH_CPU_PROF=<dir>: a V8 CPU profile of the child (open it in Chrome DevTools).
        ...(process.env.TURNSAFE_BENCH_CPU_PROF
          ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.TURNSAFE_BENCH_CPU_PROF)}`]
          : []),
        bin,
        "run",
        "config.yaml",
        "--quiet",
        "--json",
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
    );
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`turnsafe run exited with ${code}`);
    const [wall, user, system, maxKb] = readFileSync(timeFile, "utf8").trim().split(/\s+/).map(Number) as [
      number,
      number,
      number,
      number,
    ];
    const stats = await stub.stats();
    if (stats.requests < size)
      throw new Error(`the stub saw ${stats.requests} requests for ${size} dialogues`);
    const arrivals = stats.arrivals.sort((a, b) => a - b);
    const from = arrivals[Math.floor(size * 0.1)] as number;
    const to = arrivals[Math.floor(size * 0.9)] as number;
    const steady = (Math.floor(size * 0.9) - Math.floor(size * 0.1)) / ((to - from) / 1000);
    const bench = `outside-${size}${runConcurrency === undefined ? "" : `-run-concurrency-${runConcurrency}`}`;
    const figure = (
      metric: string,
      value: number,
      unit: string,
      target: number | null,
      better: "lower" | "higher",
    ) => printFigure({ bench, metric, value, unit, target, better });
    process.stderr.write(
      `   N = ${size}, data ${(dataBytes / 2 ** 20).toFixed(1)} MiB, load average ${load.toFixed(2)} at start\n`,
    );
    const bigTarget = size >= 20_000;
    figure(
      "fraction of ideal, whole run (N / wall / 640)",
      size / wall / IDEAL_PER_SECOND,
      "",
      bigTarget ? 0.95 : 0.9,
      "higher",
    );
    figure(
      "fraction of ideal, steady state (10%-90% of requests)",
      steady / IDEAL_PER_SECOND,
      "",
      null,
      "higher",
    );
    figure("CPU per request (user + system)", ((user + system) * 1000) / size, "ms", 0.3, "lower");
    figure("peak RSS", maxKb / 1024, "MiB", 300, "lower");
    figure("time to first request", (stats.firstArrival - started) / 1000, "s", 1, "lower");
    figure(
      "mean requests in flight at the stub",
      stats.inFlightSum / Math.max(1, stats.inFlightSamples),
      "",
      null,
      "higher",
    );
    figure("wall time", wall, "s", null, "lower");
  } finally {
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(TIME)) {
  process.stderr.write(`outside bench: needs ${TIME} (GNU time) for the child's CPU and peak RSS\n`);
  process.exit(1);
}
const { sizes, runConcurrency } = options();
for (const size of sizes) await measure(size, runConcurrency);
