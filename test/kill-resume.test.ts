import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { runCli, startCli } from "./cli-helpers.ts";

const SCRIPT = `
seed: 5
latency_ms: [40, 90]
rules:
  - when: { model: "*judge*", last_user_contains: ["sure, here is"] }
    json: { label: unsafe, reason: complied }
  - when: { model: "*judge*" }
    json: { label: safe, reason: refused }
  - when: { turn: { max: 1 } }
    refuse: true
default:
  comply: true
`;

const CASES = 40;

/** mulberry32: kill points are random but the same on every run of the test. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe("a run killed with SIGKILL at random points resumes to the same results", () => {
  let simulator: RunningSimulator;
  let dir: string;
  let config: string;
  beforeAll(async () => {
    simulator = await startSimulator({ script: parseSimulatorScript(SCRIPT, "kill.yaml") });
    dir = mkdtempSync(path.join(tmpdir(), "turnsafe-kill-"));
    const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#3366aa" } })
      .png()
      .toBuffer();
    writeFileSync(path.join(dir, "picture.png"), png);
    const lines: string[] = [];
    for (let index = 0; index < CASES; index++) {
      const turns = [1, 2, 4][index % 3] ?? 1;
      const messages = Array.from({ length: turns }, (_, turn) => ({
        role: "user",
        content:
          turn === 0 && index % 2 === 0
            ? [
                { type: "image", image: { path: "picture.png" } },
                { type: "text", text: `case ${index} turn 1: what is this?` },
              ]
            : `case ${index} turn ${turn + 1}: go on`,
      }));
      lines.push(JSON.stringify({ id: `k-${index}`, messages }));
    }
    writeFileSync(path.join(dir, "dialogues.jsonl"), `${lines.join("\n")}\n`);
    config = path.join(dir, "config.yaml");
    writeFileSync(
      config,
      [
        "name: killtest",
        "data: dialogues.jsonl",
        `target: openai-compatible:turnsafe-sim@${simulator.url}`,
        "judges:",
        "  - refusal",
        `  - { type: safety, model: "openai-compatible:turnsafe-sim-judge@${simulator.url}", vision: false }`,
        "concurrency: 4",
        "endpointConcurrency: 2",
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await simulator.close();
  });

  async function exported(store: string): Promise<unknown[]> {
    const result = await runCli(["export", "killtest", "--format", "jsonl", "--store", store]);
    expect(result.stderr).toBe("");
    return result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  }

  function usageOf(file: string) {
    const store = new SqliteStore(file);
    const run = store.findRun("killtest");
    const usage = run ? store.usage(run.id) : [];
    store.close();
    return usage;
  }

  it("matches an uninterrupted run after 10 kills", async () => {
    const reference = path.join(dir, "reference.db");
    const before = simulator.stats().requests;
    const clean = await runCli(["run", config, "--store", reference, "--quiet", "--json"]);
    expect(clean.code, clean.stderr).toBe(0);
    const referenceRequests = simulator.stats().requests - before;
    const expected = await exported(reference);
    expect(expected).toHaveLength(CASES);

    const killed = path.join(dir, "killed.db");
    const next = random(42);
    const progressAtKills: number[] = [];
    const exitCodes: (number | null)[] = [];
    const requestsBefore = simulator.stats().requests;
    for (let kill = 0; kill < 10; kill++) {
      const child = startCli(["run", config, "--store", killed, "--quiet"]);
      let stderr = "";
      child.stderr?.on("data", (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      // Kill once the child has sent a random number of requests since it started, so kill
      // points fall mid-run however slowly the machine starts processes.
      const start = simulator.stats().requests;
      const wanted = 2 + Math.floor(next() * 10);
      while (simulator.stats().requests - start < wanted && child.exitCode === null)
        await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 40)));
      child.kill("SIGKILL");
      exitCodes.push(await exited);
      expect(stderr).toBe("");
      // Opening the store replays the write log the killed process left behind.
      const store = new SqliteStore(killed);
      const run = store.findRun("killtest");
      const answered = run
        ? store.usage(run.id).reduce((sum, row) => sum + row.calls - row.erroredCalls, 0)
        : 0;
      progressAtKills.push(answered);
      store.close();
    }
    const finish = await runCli(["run", config, "--store", killed, "--quiet", "--json"]);
    expect(finish.code, finish.stderr).toBe(0);
    expect(JSON.parse(finish.stdout)).toMatchObject({
      resumed: true,
      cases: { done: CASES, errored: 0, pending: 0 },
    });

    // Kills landed mid-run, and the answered calls were kept from one session to the next.
    // Every kill hit a live process, most of them mid-run.
    expect(exitCodes).toEqual(Array(10).fill(null));
    const totalCalls = usageOf(reference).reduce((sum, row) => sum + row.calls, 0);
    expect(progressAtKills.filter((calls) => calls > 0 && calls < totalCalls).length).toBeGreaterThanOrEqual(
      5,
    );
    expect(progressAtKills).toEqual([...progressAtKills].sort((a, b) => a - b));
    // Nothing is stored twice, and nothing answered is asked twice: every call is in the write log
    // before it is used, so a kill repeats at most the requests in flight (2 for the endpoint).
    const killedRequests = simulator.stats().requests - requestsBefore;
    expect(killedRequests).toBeLessThanOrEqual(referenceRequests + 10 * 2);

    expect(await exported(killed)).toEqual(expected);
    expect(usageOf(killed)).toEqual(usageOf(reference));
  });

  it("stops gracefully on SIGINT (exit 130, run marked interrupted) and resumes", async () => {
    const store = path.join(dir, "interrupted.db");
    const child = startCli(["run", config, "--store", store, "--json"]);
    let stdout = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const start = simulator.stats().requests;
    while (simulator.stats().requests - start < 5 && child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(JSON.parse(stdout)).toMatchObject({ status: "interrupted", interrupted: true });
    const resumed = await runCli(["run", config, "--store", store, "--json", "--quiet"]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      status: "completed",
      resumed: true,
      cases: { done: CASES, pending: 0 },
    });
  });
});
