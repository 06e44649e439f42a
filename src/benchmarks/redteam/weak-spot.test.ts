import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { type RedteamFixture, redteamFixture } from "../../testing/redteam-fixture.ts";
import { executeRedteamRun } from "./redteam-benchmark.ts";
import type { SearchResult } from "./run-search.ts";

let fixture: RedteamFixture;
beforeAll(async () => {
  fixture = await redteamFixture();
});
afterAll(async () => {
  await fixture.simulator.close();
});

describe("the simulator's weak spot", () => {
  it("MCTS finds it more often than linear and Crescendo over 20 seeds at the same call budget", async () => {
    // One run, 20 samples (attacker seeds) per method, each search capped at 120 calls.
    const plan = await fixture.plan({
      methods: ["mcts", "crescendo", "linear"],
      samples: 20,
      budget: { calls: 120 },
    });
    plan.concurrency = 30;
    const outcome = await executeRedteamRun(plan);
    expect(outcome.counts).toEqual({ pending: 0, done: 60, errored: 0 });
    const store = new SqliteStore(plan.storePath);
    const successes: Record<string, number> = { mcts: 0, crescendo: 0, linear: 0 };
    let runs = 0;
    for (const run of store.listRuns()) {
      runs++;
      for (const record of store.iterateCases(run.id)) {
        const result = record.result as SearchResult;
        expect(result.calls).toBeLessThanOrEqual(120 + 10);
        if (result.success) successes[result.method] = (successes[result.method] ?? 0) + 1;
      }
    }
    store.close();
    expect(runs).toBe(1);
    // At the time of writing: mcts 7, crescendo 1, linear 0 of 20.
    expect(successes.mcts, JSON.stringify(successes)).toBeGreaterThan(successes.linear ?? 0);
    expect(successes.mcts, JSON.stringify(successes)).toBeGreaterThan(successes.crescendo ?? 0);
  }, 120_000);
});
