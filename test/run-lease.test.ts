import { mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaseOwner } from "../src/engine/run-lease.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import type { UsageRow } from "../src/engine/store.ts";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { runCli, startCli } from "./cli-helpers.ts";

// Latency makes a run last a few seconds, so two commands started together overlap.
const SCRIPT = `
seed: 3
latency_ms: [120, 200]
rules:
  - when: { model: "*judge*" }
    json: { label: safe, reason: refused }
  - when: { turn: { max: 1 } }
    refuse: true
default:
  comply: true
`;
const CASES = 24;

describe("two commands on one run and store", () => {
  let simulator: RunningSimulator;
  let dir: string;
  let config: string;
  let referenceRequests: number;
  let referenceUsage: UsageRow[];

  function usageOf(file: string): UsageRow[] {
    const store = new SqliteStore(file);
    const run = store.findRun("leasetest");
    const usage = run ? store.usage(run.id) : [];
    store.close();
    return usage;
  }

  async function untilRequests(count: number, child: { exitCode: number | null }): Promise<void> {
    const start = simulator.stats().requests;
    while (simulator.stats().requests - start < count && child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 5));
  }

  beforeAll(async () => {
    simulator = await startSimulator({ script: parseSimulatorScript(SCRIPT, "lease.yaml") });
    dir = mkdtempSync(path.join(tmpdir(), "turnsafe-lease-"));
    const lines = Array.from({ length: CASES }, (_, index) =>
      JSON.stringify({
        id: `l-${index}`,
        messages: Array.from({ length: [1, 2, 3][index % 3] ?? 1 }, (_, turn) => ({
          role: "user",
          content: `case ${index} turn ${turn + 1}: go on`,
        })),
      }),
    );
    writeFileSync(path.join(dir, "dialogues.jsonl"), `${lines.join("\n")}\n`);
    config = path.join(dir, "config.yaml");
    writeFileSync(
      config,
      [
        "name: leasetest",
        "data: dialogues.jsonl",
        `target: openai-compatible:turnsafe-sim@${simulator.url}`,
        "judges:",
        `  - { type: safety, model: "openai-compatible:turnsafe-sim-judge@${simulator.url}", vision: false }`,
        "concurrency: 4",
        "endpointConcurrency: 3",
        "pricing:",
        '  "openai-compatible:turnsafe-sim": { inputPerMillion: 1000, outputPerMillion: 3000 }',
        '  "openai-compatible:turnsafe-sim-judge": { inputPerMillion: 500, outputPerMillion: 1500 }',
        "",
      ].join("\n"),
    );
    const reference = path.join(dir, "reference.db");
    const before = simulator.stats().requests;
    const clean = await runCli(["run", config, "--store", reference, "--quiet", "--json"]);
    expect(clean.code, clean.stderr).toBe(0);
    referenceRequests = simulator.stats().requests - before;
    referenceUsage = usageOf(reference);
    expect(referenceUsage.reduce((sum, row) => sum + row.costUsd, 0)).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await simulator.close();
  });

  it("started together: exactly one plays, every call is made and paid once, the other refuses", async () => {
    const store = path.join(dir, "together.db");
    const before = simulator.stats().requests;
    const [first, second] = await Promise.all([
      runCli(["run", config, "--store", store, "--quiet", "--json"]),
      runCli(["run", config, "--store", store, "--quiet", "--json"]),
    ]);
    const codes = [first.code, second.code].sort();
    expect(codes, `${first.stderr}\n${second.stderr}`).toEqual([0, 5]);
    const refused = first.code === 5 ? first : second;
    expect(refused.stderr).toMatch(
      /run leasetest-\w+ is being played by another command \(pid \d+ on .+, since \d{4}-.+\); rerun with --wait/,
    );
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: "run-busy" } });
    expect(simulator.stats().requests - before).toBe(referenceRequests);
    expect(usageOf(store)).toEqual(referenceUsage);
  });

  it("with --wait, the second waits for the first and then reports the same results", async () => {
    const store = path.join(dir, "waited.db");
    const before = simulator.stats().requests;
    const firstChild = startCli(["run", config, "--store", store, "--quiet", "--json"]);
    let firstOut = "";
    firstChild.stdout?.on("data", (chunk) => (firstOut += chunk));
    const firstExit = new Promise<number | null>((resolve) => firstChild.once("exit", resolve));
    await untilRequests(3, firstChild);
    const second = await runCli(["run", config, "--store", store, "--wait", "--json"]);
    expect(await firstExit).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/being played by pid \d+ on .+; waiting for it to finish/);
    const [a, b] = [JSON.parse(firstOut), JSON.parse(second.stdout)];
    expect(b).toMatchObject({ status: "completed", resumed: true, cases: a.cases });
    expect(a.cases).toEqual({ done: CASES, errored: 0, pending: 0 });
    expect(simulator.stats().requests - before).toBe(referenceRequests);
    expect(usageOf(store)).toEqual(referenceUsage);
  });

  it("`runs` names the command playing a running run", async () => {
    const file = path.join(dir, "listed.db");
    const store = new SqliteStore(file);
    const now = new Date().toISOString();
    store.putRun({
      id: "listed-1",
      name: "listed",
      recipe: "dialogues",
      status: "running",
      config: {},
      simulator: false,
      createdAt: now,
      updatedAt: now,
    });
    store.acquireRunLease("listed-1", leaseOwner(), () => true);
    store.close();
    const listed = await runCli(["runs", "--store", file, "--json"]);
    expect(JSON.parse(listed.stdout).runs[0].playedBy).toMatchObject({ pid: process.pid, host: hostname() });
    const human = await runCli(["runs", "--store", file]);
    expect(human.stdout).toContain(`played by pid ${process.pid} on ${hostname()}`);
  });

  it("takes over the lease of a command killed with SIGKILL", async () => {
    const store = path.join(dir, "killed.db");
    const child = startCli(["run", config, "--store", store, "--quiet"]);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await untilRequests(4, child);
    child.kill("SIGKILL");
    expect(await exited).toBe(null);
    const leftBehind = new SqliteStore(store);
    const runId = leftBehind.findRun("leasetest")?.id ?? "";
    expect(leftBehind.getRunLease(runId)?.owner.pid).toBe(child.pid);
    leftBehind.close();
    const listed = await runCli(["runs", "--store", store, "--json"]);
    expect(JSON.parse(listed.stdout).runs[0]).toMatchObject({ status: "running", playedBy: null });

    const next = await runCli(["run", config, "--store", store, "--quiet", "--json"]);
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ status: "completed", cases: { done: CASES } });
    const after = new SqliteStore(store);
    expect(after.getRunLease(runId)).toBeUndefined();
    after.close();
    expect(usageOf(store)).toEqual(referenceUsage);
  });
});
