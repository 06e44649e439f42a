import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeDialogueRun } from "../src/benchmarks/dialogues/dialogues-benchmark.ts";
import type { DialogueRunPlan } from "../src/benchmarks/dialogues/run-dialogues.ts";
import type { Dialogue } from "../src/dialogue/dialogue.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { createRefusalDetector } from "../src/judges/refusal-detector.ts";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { parseTargetSpec } from "../src/targets/provider-spec.ts";
import { createProviderTarget } from "../src/targets/provider-target.ts";

// 30% 429 with Retry-After, 10% 500, 5% timeouts, 2% malformed bodies (the mix).
const FAULTY_SCRIPT = `
seed: 3
latency_ms: [1, 5]
faults:
  - probability: 0.30
    error: { status: 429, retry_after_s: 0.02, message: slow down }
  - probability: 0.10
    error: { status: 500, message: internal error }
  - probability: 0.05
    timeout: true
  - probability: 0.02
    malformed: true
default:
  reply: "answer to {{last_user}}"
`;

const CASES = 150;

function dialogues(): Dialogue[] {
  return Array.from({ length: CASES }, (_, index) => ({
    version: 1 as const,
    id: `fault-${index}`,
    messages: [{ role: "user" as const, content: [{ type: "text" as const, text: `question ${index}` }] }],
    labels: {},
    metadata: {},
  }));
}

describe("fault injection through the real HTTP path", () => {
  let simulator: RunningSimulator;
  let dir: string;
  beforeAll(async () => {
    simulator = await startSimulator({ script: parseSimulatorScript(FAULTY_SCRIPT, "faulty.yaml") });
    dir = mkdtempSync(path.join(tmpdir(), "turnsafe-faults-"));
  });
  afterAll(async () => {
    await simulator.close();
  });

  function plan(maxAttempts: number, retryErrored = false): DialogueRunPlan {
    const target = createProviderTarget(
      parseTargetSpec(
        { provider: "openai-compatible", model: "faulty", baseURL: simulator.url, concurrency: 16 },
        "target",
      ),
      { env: {}, simulator: true },
    );
    return {
      name: "faults",
      dataIdentity: "faults",
      cases: dialogues,
      imageBaseDir: dir,
      targets: [target],
      judges: [createRefusalDetector()],
      driver: "live",
      storePath: path.join(dir, "store.db"),
      reportDir: path.join(dir, "reports"),
      concurrency: 32,
      endpointConcurrency: 16,
      cache: true,
      retry: { maxAttempts, baseDelayMs: 2, maxDelayMs: 20, timeoutMs: 300 },
      prices: new PriceTable(),
      reportCases: 10,
      retryErrored,
      config: {},
    };
  }

  it("finishes every case as done or errored with its reason, then completes on retry", async () => {
    const first = await executeDialogueRun(plan(2));
    expect(first.counts.pending).toBe(0);
    expect(first.counts.done + first.counts.errored).toBe(CASES);
    expect(first.counts.errored).toBeGreaterThan(0);

    const stats = simulator.stats();
    expect(stats.errorsByStatus["429"]).toBeGreaterThan(0);
    expect(stats.errorsByStatus["500"]).toBeGreaterThan(0);
    expect(stats.timeouts).toBeGreaterThan(0);
    expect(stats.malformed).toBeGreaterThan(0);

    const store = new SqliteStore(path.join(dir, "store.db"));
    const reasons = new Set<string>();
    for (const record of store.iterateCases(first.run.id)) {
      if (record.status !== "errored") continue;
      expect(record.error).toMatch(/\S/);
      reasons.add(
        /429|rate/i.test(record.error ?? "")
          ? "429"
          : /500|server/i.test(record.error ?? "")
            ? "500"
            : /timeout|timed out|within/i.test(record.error ?? "")
              ? "timeout"
              : /malformed|json/i.test(record.error ?? "")
                ? "malformed"
                : (record.error ?? ""),
      );
    }
    expect([...reasons].filter((reason) => !["429", "500", "timeout", "malformed"].includes(reason))).toEqual(
      [],
    );
    const usage = store.usage(first.run.id);
    expect(usage.find((row) => row.role === "target")?.erroredCalls).toBe(first.counts.errored);
    store.close();

    const second = await executeDialogueRun(plan(12, true));
    expect(second.resumed).toBe(true);
    expect(second.counts).toEqual({ pending: 0, done: CASES, errored: 0 });
  });
});
