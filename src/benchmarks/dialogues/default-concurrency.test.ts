import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunConfigSchema } from "../../config/run-config.ts";
import { parseSimulatorScript } from "../../simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../../simulator/simulator-server.ts";
import { executeDialogueRun } from "./dialogues-benchmark.ts";
import { planDialogueRun } from "./plan-dialogue-run.ts";

// A user who gives a target `concurrency: 64` gets 64 requests in flight, without also setting
// the run's `concurrency` (it used to stay at 16 cases, so 16 requests).
let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({
    script: parseSimulatorScript("latency_ms: [150, 150]\ndefault: { comply: true }\n", "test"),
  });
});
afterAll(() => simulator.close());

describe("cases in flight follow the targets' connection budgets", () => {
  it("fills a target's 64 connections when the run sets no concurrency", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-default-concurrency-"));
    const data = path.join(dir, "data.jsonl");
    const lines = Array.from({ length: 200 }, (_, index) =>
      JSON.stringify({ id: `d${index}`, messages: [{ role: "user", content: `question ${index}` }] }),
    );
    writeFileSync(data, `${lines.join("\n")}\n`);
    const config = RunConfigSchema.parse({
      data,
      targets: [{ provider: "openai-compatible", model: "m", baseURL: simulator.url, concurrency: 64 }],
      store: path.join(dir, "store.db"),
      reportDir: path.join(dir, "reports"),
      cache: false,
    });
    const planned = await planDialogueRun(config, { baseDir: dir, env: {} });
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, simulator.stats().inFlight);
    }, 5);
    try {
      const outcome = await executeDialogueRun(planned.plan);
      expect(outcome.counts.done).toBe(200);
    } finally {
      clearInterval(watch);
      await planned.close();
    }
    expect(planned.plan.concurrency).toBeGreaterThanOrEqual(64);
    expect(most).toBe(64);
  });
});
