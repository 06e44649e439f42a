import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { executeMtmcsRun } from "../src/benchmarks/mtmcs/mtmcs-benchmark.ts";
import { resolveMtmcsSources } from "../src/benchmarks/mtmcs/mtmcs-loader.ts";
import { REFERENCE_PROTOCOL } from "../src/benchmarks/mtmcs/mtmcs-play.ts";
import type { MtmcsRunPlan } from "../src/benchmarks/mtmcs/mtmcs-run.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { buildTarget } from "../src/targets/build-target.ts";
import { writeMtmcsFixture } from "../src/testing/mtmcs-fixture.ts";

const SCRIPT = `
latency_ms: 3
rules:
  - when: { model: "*judge*" }
    json: { score: 3, explanation: "middling" }
  - when: { last_user_contains: "letter of the correct option" }
    reply: "B"
  - when: { turn: { max: 1 } }
    reply: "Happy to help with that."
default:
  refuse: true
`;

describe("mtmcs resume", () => {
  it("resumes a killed run mid-conversation without redoing finished calls", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-mtmcs-resume-"));
    await writeMtmcsFixture(path.join(dir, "data"), { format: "parquet", images: "embedded" });
    const script = path.join(dir, "script.yaml");
    writeFileSync(script, SCRIPT);
    const scope = new AsyncDisposableStack();
    const options = { baseDir: dir, env: {} };
    try {
      const plan: MtmcsRunPlan = {
        name: "mtmcs",
        sources: resolveMtmcsSources([path.join(dir, "data")]),
        modalities: ["mm", "um"],
        imageCacheDir: path.join(dir, "cache"),
        targets: [await buildTarget(`simulator:${script}#model`, "target", options, scope)],
        defences: [[], ["self-reflection"]],
        judge: {
          target: await buildTarget(`simulator:${script}#sim-judge`, "judge", options, scope),
          mode: "vision",
        },
        protocol: REFERENCE_PROTOCOL,
        storePath: path.join(dir, "turnsafe.db"),
        reportDir: path.join(dir, "reports"),
        concurrency: 4,
        endpointConcurrency: 4,
        cache: true,
        retry: {},
        prices: new PriceTable(),
        reportCases: 50,
      };
      const controller = new AbortController();
      let successes = 0;
      const first = await executeMtmcsRun(plan, {
        signal: controller.signal,
        onCall: (event) => {
          if (event.kind === "success" && ++successes === 60) controller.abort();
        },
      });
      expect(first.interrupted).toBe(true);
      expect(first.counts.pending).toBeGreaterThan(0);

      const kinds: Record<string, number> = {};
      const second = await executeMtmcsRun(plan, {
        onCall: (event) => {
          kinds[event.kind] = (kinds[event.kind] ?? 0) + 1;
        },
      });
      expect(second).toMatchObject({
        resumed: true,
        interrupted: false,
        counts: { done: 16, errored: 0, pending: 0 },
      });
      // Calls finished before the kill inside unfinished cases are replayed from the store, not redone.
      expect(kinds.resumed ?? 0).toBeGreaterThan(0);
      const store = new SqliteStore(plan.storePath);
      try {
        const usage = store.usage(first.run.id);
        const targetCalls = usage
          .filter((row) => row.role === "target")
          .reduce((sum, row) => sum + row.calls, 0);
        // Bare arm: 16 cases x (3 turns + 2 MCQ) + 8 unsafe cases x 2 TF. The self-reflection arm makes
        // three calls for each of those (intent questions go through the defended target too).
        expect(targetCalls).toBe((16 * (3 + 2) + 8 * 2) * 4);
        const judgeCalls = usage
          .filter((row) => row.role === "judge")
          .reduce((sum, row) => sum + row.calls, 0);
        expect(judgeCalls).toBe(32);
        // The second session made only what the first had not finished: 60 calls were done before
        // the kill, and at most 8 were in flight (4 per endpoint) and lost.
        const fresh = (kinds.success ?? 0) + (kinds.cached ?? 0);
        expect(fresh).toBeLessThanOrEqual(targetCalls + judgeCalls - 60 + 8);
      } finally {
        store.close();
      }
    } finally {
      await scope.disposeAsync();
    }
  }, 30_000);
});
