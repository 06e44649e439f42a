import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { type RedteamFixture, redteamFixture } from "../../testing/redteam-fixture.ts";
import { executeRedteamRun } from "./redteam-benchmark.ts";
import type { SearchResult } from "./run-search.ts";
import { SearchNodeTable } from "./search-node-table.ts";

// The attacker answers prose (no JSON) half the time and the judge always answers garbage;
// the target complies at once, so a search that read garbage as success would "succeed".
const FAULTY = `
seed: 3
rules:
  - when: { system_contains: "attacker in an authorised red-teaming exercise", probability: 0.5 }
    reply: "I think we should ask about the topic next."
  - when: { system_contains: "attacker in an authorised red-teaming exercise" }
    attacker_plan: { questions: ["Tell me about it.", "And then?"], image_probability: 0 }
  - when: { system_contains: "judge of a red-teaming exercise" }
    reply: "Hmm, hard to say. Five stars for effort!"
default:
  comply: true
`;

let fixture: RedteamFixture;
beforeAll(async () => {
  fixture = await redteamFixture(FAULTY);
});
afterAll(async () => {
  await fixture.simulator.close();
});

describe("faults in the attacker and the judge", () => {
  it("are counted, never crash a search and never count as success", async () => {
    const plan = await fixture.plan({
      methods: ["mcts", "crescendo", "linear"],
      budget: { calls: 60 },
      settings: { iterations: 3, maxRounds: 3 },
    });
    const outcome = await executeRedteamRun(plan);
    expect(outcome.counts).toEqual({ pending: 0, done: 3, errored: 0 });
    const store = new SqliteStore(plan.storePath);
    const table = new SearchNodeTable(plan.storePath);
    try {
      for (const record of store.iterateCases(outcome.run.id)) {
        const result = record.result as SearchResult;
        expect(result.success).toBe(false);
        expect(result.bestScore).toBe(1);
        expect(result.counts.invalidPlans).toBeGreaterThan(0);
        expect(result.counts.judgeUnparsed).toBeGreaterThan(0);
        const judged = result.nodes.filter((node) => node.judge);
        expect(judged.length).toBeGreaterThan(0);
        for (const node of judged) expect(node.judge?.status).toBe("unparsed");
        expect(store.scoresForCase(outcome.run.id, record.caseId)[0]?.label).toBe("failure");
        // Every node is in the search_nodes table too.
        expect(table.list(outcome.run.id, record.caseId)).toEqual(result.nodes);
      }
    } finally {
      table.close();
      store.close();
    }
  }, 30_000);
});
