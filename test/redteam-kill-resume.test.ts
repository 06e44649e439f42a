import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchResult } from "../src/benchmarks/redteam/run-search.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { REDTEAM_SIMULATOR_SCRIPT_YAML } from "../src/simulator/redteam-script.ts";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { runCli, startCli } from "./cli-helpers.ts";

// The red-team script with a little latency, so a kill lands mid-search.
const SCRIPT = REDTEAM_SIMULATOR_SCRIPT_YAML.replace("seed: 11", "seed: 11\nlatency_ms: [3, 8]");

describe("a red-team search killed with SIGKILL mid-search", () => {
  let simulator: RunningSimulator;
  let dir: string;
  beforeAll(async () => {
    simulator = await startSimulator({ script: parseSimulatorScript(SCRIPT, "redteam-kill.yaml") });
    dir = mkdtempSync(path.join(tmpdir(), "turnsafe-redteam-kill-"));
  });
  afterAll(async () => {
    await simulator.close();
  });

  const args = (store: string) => [
    "redteam",
    "run",
    "--tasks",
    "bundled",
    "--method",
    "mcts",
    "--target",
    `openai-compatible:turnsafe-sim@${simulator.url}`,
    "--attacker",
    `openai-compatible:turnsafe-sim-attacker@${simulator.url}`,
    "--judge",
    `openai-compatible:turnsafe-sim-judge@${simulator.url}`,
    "--budget",
    "calls=60",
    "--concurrency",
    "2",
    "--store",
    store,
    "--report-dir",
    path.join(dir, "reports"),
    "--quiet",
  ];

  function trees(file: string): Map<string, { nodes: unknown[]; bestPath: number[]; calls: number }> {
    const store = new SqliteStore(file);
    const run = store.listRuns()[0];
    const out = new Map<string, { nodes: unknown[]; bestPath: number[]; calls: number }>();
    for (const record of run ? store.iterateCases(run.id) : []) {
      const result = record.result as SearchResult;
      out.set(record.caseId, { nodes: result.nodes, bestPath: result.bestPath, calls: result.calls });
    }
    store.close();
    return out;
  }

  it("continues the same trees, re-asking at most the calls in flight", async () => {
    const reference = path.join(dir, "reference.db");
    const before = simulator.stats().requests;
    const clean = await runCli(args(reference));
    expect(clean.code, clean.stderr).toBe(0);
    const referenceRequests = simulator.stats().requests - before;
    const expected = trees(reference);
    expect(expected.size).toBe(6);

    const killed = path.join(dir, "killed.db");
    const start = simulator.stats().requests;
    const child = startCli(args(killed));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // Kill once about 40% of the reference's requests were made.
    while (simulator.stats().requests - start < referenceRequests * 0.4) await sleep(5);
    child.kill("SIGKILL");
    await exited;
    const resumed = await runCli(args(killed));
    expect(resumed.code, resumed.stderr).toBe(0);
    const extra = simulator.stats().requests - start - referenceRequests;
    expect(extra).toBeGreaterThanOrEqual(0);
    expect(extra).toBeLessThanOrEqual(2);
    const actual = trees(killed);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [caseId, tree] of expected) expect(actual.get(caseId), caseId).toEqual(tree);
  }, 60_000);
});
