import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { type Dialogue, DialogueSchema } from "../../dialogue/dialogue.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import type { ModerationResult, Moderator } from "../../moderators/moderator.ts";
import { DEFAULT_POLICY } from "../../moderators/policy.ts";
import { executeModerationEval } from "./moderation-eval-benchmark.ts";
import { summariseModeration } from "./moderation-summary.ts";
import type { ModerationEvalPlan } from "./run-moderation-eval.ts";

const directory = mkdtempSync(path.join(tmpdir(), "turnsafe-moderation-latency-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const SAFE: ModerationResult = {
  status: "ok",
  user: { rating: "safe", dimension: null, rationale: "fine", evidence: { messages: [], images: [] } },
  assistant: null,
  raw: null,
  error: null,
};

const dialogues: Dialogue[] = Array.from({ length: 9 }, (_, index) =>
  DialogueSchema.parse({ id: `d${index}`, messages: [{ role: "user", content: `question ${index}` }] }),
);

async function latencies(name: string, moderators: Moderator[]) {
  const plan: ModerationEvalPlan = {
    name,
    dataIdentity: name,
    cases: () => dialogues,
    moderators: moderators.map((moderator) => ({ label: moderator.name, moderator })),
    policy: DEFAULT_POLICY,
    customDimensions: [],
    flipCheck: false,
    storePath: path.join(directory, `${name}.db`),
    reportDir: path.join(directory, "reports"),
    concurrency: 3,
    cache: false,
    prices: new PriceTable(),
    config: {},
  };
  const outcome = await executeModerationEval(plan);
  const store = new SqliteStore(plan.storePath);
  try {
    return summariseModeration(store.iterateCases(outcome.run.id)).map((summary) => summary.latencyMs);
  } finally {
    store.close();
  }
}

describe("moderate eval latency", () => {
  it("leaves a moderator's warm-up (models loading on first use) out of the percentiles", async () => {
    let loading: Promise<unknown> | null = null;
    const load = () => (loading ??= sleep(600));
    const lazy: Moderator = {
      name: "lazy",
      async moderate() {
        await load();
        await sleep(5);
        return SAFE;
      },
      async warmUp() {
        await load();
      },
    };
    const [timed] = await latencies("warm-up", [lazy]);
    // Without the warm-up, the first three concurrent dialogues each wait ~600 ms for the load.
    expect(timed?.p90).toBeLessThan(300);
    expect(timed?.p99).toBeLessThan(300);
  });

  it("times each moderator on its own, not beside another moderator's CPU work", async () => {
    const remote: Moderator = {
      name: "remote",
      async moderate() {
        await sleep(10);
        return SAFE;
      },
    };
    const busy: Moderator = {
      name: "busy",
      async moderate() {
        const until = performance.now() + 150;
        while (performance.now() < until) {} // holds the event loop, as CPU-bound guards do
        return SAFE;
      },
    };
    const [remoteTimes, busyTimes] = await latencies("alone", [remote, busy]);
    // Beside the busy one, the remote one read at least one busy call (>= 150 ms) per dialogue.
    expect(remoteTimes?.p50).toBeLessThan(100);
    expect(busyTimes?.p50).toBeGreaterThanOrEqual(150);
  });
});
