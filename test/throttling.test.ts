import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { executeDialogueRun } from "../src/benchmarks/dialogues/dialogues-benchmark.ts";
import type { DialogueRunPlan } from "../src/benchmarks/dialogues/run-dialogues.ts";
import type { Dialogue } from "../src/dialogue/dialogue.ts";
import type { CallExecutor } from "../src/engine/call-executor.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { createRefusalDetector } from "../src/judges/refusal-detector.ts";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { parseTargetSpec } from "../src/targets/provider-spec.ts";
import { createProviderTarget } from "../src/targets/provider-target.ts";

const CASES = 120;

function script(rateLimited: number): string {
  return `
seed: 5
latency_ms: [2, 6]
faults:
  - { probability: ${rateLimited}, error: { status: 429, retry_after_s: 0.05, message: slow down } }
  - { probability: 0.02, error: { status: 500, message: internal error } }
default:
  reply: "answer to {{last_user}}"
`;
}

function dialogues(): Dialogue[] {
  return Array.from({ length: CASES }, (_, index) => ({
    version: 1 as const,
    id: `throttle-${index}`,
    messages: [
      { role: "user" as const, content: [{ type: "text" as const, text: `question ${index}` }] },
      { role: "user" as const, content: [{ type: "text" as const, text: `and then ${index}?` }] },
    ],
    labels: {},
    metadata: {},
  }));
}

describe("throttling over real HTTP (simulator with injected 429s and 500s)", () => {
  let simulator: RunningSimulator | undefined;
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  async function play(rateLimited: number) {
    simulator = await startSimulator({ script: parseSimulatorScript(script(rateLimited), "throttle.yaml") });
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-throttle-"));
    const target = createProviderTarget(
      parseTargetSpec(
        { provider: "openai-compatible", model: "throttle", baseURL: simulator.url, concurrency: 16 },
        "target",
      ),
      { env: {}, simulator: true },
    );
    const plan: DialogueRunPlan = {
      name: "throttle",
      dataIdentity: "throttle",
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
      retry: { maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 5_000 },
      prices: new PriceTable(),
      reportCases: 10,
      config: {},
    };
    let executor: CallExecutor | undefined;
    const outcome = await executeDialogueRun(plan, { onExecutor: (value) => (executor = value) });
    const store = new SqliteStore(plan.storePath);
    const usage = store.usage(outcome.run.id);
    store.close();
    if (!executor) throw new Error("no executor was reported");
    return { outcome, usage, stats: executor.stats(), simulatorStats: simulator.stats() };
  }

  it("completes with 5% 429s and 2% 500s without cutting concurrency, and stores and reports the counts", async () => {
    const { outcome, usage, stats, simulatorStats } = await play(0.05);
    expect(outcome.counts).toEqual({ pending: 0, done: CASES, errored: 0 });
    const served429 = simulatorStats.errorsByStatus["429"] ?? 0;
    const served500 = simulatorStats.errorsByStatus["500"] ?? 0;
    expect(served429).toBeGreaterThan(0);
    expect(served500).toBeGreaterThan(0);
    // An occasional 429 is honoured for its own request; the endpoint keeps its concurrency.
    expect(stats).toMatchObject({ rateLimited: served429, serverErrors: served500, allowed: 16 });
    expect(stats.endpoints[0]?.decreases).toBe(0);
    const row = usage.find((entry) => entry.role === "target");
    expect(row).toMatchObject({
      calls: CASES * 2,
      erroredCalls: 0,
      retries: served429 + served500,
      rateLimited: served429,
      serverErrors: served500,
    });
    const html = readFileSync(outcome.reportHtml, "utf8");
    const usageSection = html.slice(html.indexOf('<section id="usage">'));
    expect(usageSection).toContain('<th class="number">429s</th>');
    const cells = [
      ...(usageSection.split("</tr>")[1] ?? "").matchAll(/<td class="number">([^<]*)<\/td>/g),
    ].map((match) => match[1]);
    // Calls, cached, errored, retries, 429s, 5xx/timeouts...
    expect(cells.slice(3, 6)).toEqual([served429 + served500, served429, served500].map(String));
  });

  it("cuts concurrency on a sustained 429 rate and still completes every case", async () => {
    const { outcome, stats } = await play(0.4);
    expect(outcome.counts).toEqual({ pending: 0, done: CASES, errored: 0 });
    expect(stats.endpoints[0]?.decreases).toBeGreaterThan(0);
    expect(stats.rateLimited).toBeGreaterThan(CASES / 2);
  });
});
