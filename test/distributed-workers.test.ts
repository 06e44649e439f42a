import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseQueue, caseJobId } from "../src/engine/distributed/case-queue.ts";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { startTestPostgresOrReason, type TestPostgres } from "../src/testing/embedded-postgres.ts";
import { BIN, runCli } from "./cli-helpers.ts";

const SCRIPT = `
seed: 11
latency_ms: [20, 60]
rules:
  - when: { model: "*judge*" }
    json: { label: safe, reason: refused }
  - when: { turn: { max: 1 } }
    refuse: true
default:
  comply: true
`;
// 200 cases (about 600 calls) keep this under a minute on a loaded 2-core machine; the issue's
// 2,000-case version is the same test with TURNSAFE_TEST_DISTRIBUTED_CASES=2000.
const CASES = Number(process.env.TURNSAFE_TEST_DISTRIBUTED_CASES ?? 200);
const ENDPOINT_CONCURRENCY = 3;
const WORKER_CONCURRENCY = 4;
const EXPIRY_S = "3";

/** Starts the CLI without waiting, keeping its output. */
function start(args: string[]): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe("distributed runs: pg-boss workers on a PostgreSQL store", () => {
  let postgres: TestPostgres | string;
  let simulator: RunningSimulator;
  let config: string;
  let referenceExport: string;
  let referenceRequests: number;
  beforeAll(async () => {
    postgres = await startTestPostgresOrReason();
    if (typeof postgres === "string") console.warn(postgres);
    simulator = await startSimulator({ script: parseSimulatorScript(SCRIPT, "workers.yaml") });
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-workers-"));
    const lines = Array.from({ length: CASES }, (_, index) =>
      JSON.stringify({
        id: `w-${index}`,
        messages: Array.from({ length: 1 + (index % 3) }, (_, turn) => ({
          role: "user",
          content: `c${index} t${turn}`,
        })),
      }),
    );
    writeFileSync(path.join(dir, "dialogues.jsonl"), `${lines.join("\n")}\n`);
    config = path.join(dir, "config.yaml");
    writeFileSync(
      config,
      [
        "name: workers",
        "data: dialogues.jsonl",
        `target: openai-compatible:turnsafe-sim@${simulator.url}`,
        "judges:",
        `  - { type: safety, model: "openai-compatible:turnsafe-sim-judge@${simulator.url}", vision: false }`,
        `endpointConcurrency: ${ENDPOINT_CONCURRENCY}`,
        "",
      ].join("\n"),
    );
    if (typeof postgres === "string") return;
    const reference = path.join(dir, "reference.db");
    const before = simulator.stats().requests;
    const clean = await runCli(["run", config, "--store", reference, "--quiet"]);
    expect(clean.code, clean.stderr).toBe(0);
    referenceRequests = simulator.stats().requests - before;
    referenceExport = await exported(reference);
  }, 240_000);
  afterAll(async () => {
    await simulator?.close();
    if (typeof postgres !== "string") await postgres?.stop();
  });

  const exported = async (store: string) => {
    const result = await runCli(["export", "workers", "--format", "jsonl", "--store", store]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };

  it("3 workers, two SIGKILLed mid-run: every case done once, results as a single SQLite run, the endpoint limit held", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const url = await postgres.createDatabase("three_workers");
    const requestsBefore = simulator.stats().requests;
    const maxBefore = simulator.stats().maxInFlight;
    expect(maxBefore).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
    const coordinator = start([
      "run",
      config,
      "--store",
      url,
      "--distributed",
      "--no-play",
      "--case-expiry",
      EXPIRY_S,
    ]);
    const workerArgs = [
      "worker",
      "--store",
      url,
      "--concurrency",
      String(WORKER_CONCURRENCY),
      "--case-expiry",
      EXPIRY_S,
      "--json",
    ];
    const workers = [start(workerArgs), start(workerArgs), start(workerArgs)];
    // Two kills: a worker at ~150 calls (a new one takes its place), another at ~350.
    for (const [kill, atCalls] of [150, 350].entries()) {
      while (simulator.stats().requests - requestsBefore < atCalls && coordinator.child.exitCode === null)
        await new Promise((resolve) => setTimeout(resolve, 10));
      workers[kill]?.child.kill("SIGKILL");
      if (kill === 0) workers.push(start(workerArgs));
    }
    const code = await coordinator.exited;
    expect(code, coordinator.output()).toBe(0);
    const survivors = workers.slice(2);
    for (const worker of survivors) worker.child.kill("SIGTERM");
    const stats = await Promise.all(
      survivors.map(async (worker) => {
        expect(await worker.exited, worker.output()).toBe(0);
        return JSON.parse(
          worker
            .output()
            .split("\n")
            .find((line) => line.startsWith("{")) ?? "{}",
        );
      }),
    );
    // The survivors played cases (the victims' came back to them after the expiry).
    expect(stats.reduce((sum, stat) => sum + stat.done, 0)).toBeGreaterThan(0);
    expect(await exported(url)).toBe(referenceExport);
    const extra = simulator.stats().requests - requestsBefore - referenceRequests;
    console.info(
      `distributed: ${extra} calls re-asked after two workers were killed; max in flight ${simulator.stats().maxInFlight}`,
    );
    // Per kill, only the killed worker's calls in flight (the endpoint allows 3) plus the answers
    // of its last 10 ms of unsent writes are asked again.
    expect(extra).toBeLessThanOrEqual(2 * (ENDPOINT_CONCURRENCY + 2));
    // 3 workers x 4 cases each, but the endpoint's 3 slots are shared by every worker.
    expect(simulator.stats().maxInFlight).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
    expect(simulator.stats().maxInFlight).toBe(ENDPOINT_CONCURRENCY);
  }, 240_000);

  it("enqueuing the same cases twice adds no job (job id from run id + case id)", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const url = await postgres.createDatabase("enqueue_twice");
    const queue = await CaseQueue.open(url, "test");
    try {
      const jobs = ["a", "b", "c"].map((caseId) => ({ runId: "r-1", caseId, baseDir: "/tmp" }));
      await queue.enqueue(jobs);
      await queue.enqueue(jobs);
      expect(await queue.size()).toBe(3);
      expect(caseJobId("r-1", "a")).toBe(caseJobId("r-1", "a"));
      expect(caseJobId("r-1", "a")).not.toBe(caseJobId("r-1", "b"));
      const fetched = await queue.fetch(10);
      expect(fetched.map((job) => job.caseId).sort()).toEqual(["a", "b", "c"]);
    } finally {
      await queue.close();
    }
  }, 60_000);

  it("refuses --distributed and worker without a PostgreSQL store, naming the flag", async () => {
    const sqlite = path.join(path.dirname(config), "plain.db");
    const run = await runCli(["run", config, "--store", sqlite, "--distributed", "--quiet"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--store");
    expect(run.stderr).toContain("PostgreSQL");
    const worker = await runCli(["worker", "--store", sqlite]);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain("--store");
  }, 60_000);

  it("run --distributed plays the cases itself by default, and enqueuing again is harmless", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const url = await postgres.createDatabase("self_played");
    const first = await runCli(["run", config, "--store", url, "--distributed", "--limit", "20", "--quiet"]);
    expect(first.code, first.stderr).toBe(0);
    const requests = simulator.stats().requests;
    const again = await runCli(["run", config, "--store", url, "--distributed", "--limit", "20", "--quiet"]);
    expect(again.code, again.stderr).toBe(0);
    expect(simulator.stats().requests).toBe(requests);
  }, 120_000);
});
