import { describe, expect, it } from "vitest";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { workKey } from "../../engine/request-hash.ts";
import { exportRows } from "../../reports/export-rows.ts";
import { storeWithRun } from "../../testing/store-with-run.ts";
import { dialogueUnits } from "./dialogue-export-units.ts";
import { buildDialogueReport } from "./dialogue-report.ts";
import type { DialogueCaseResult } from "./dialogue-suite.ts";

const at = "2026-01-01T00:00:00Z";

describe("dialogue case views", () => {
  it("carry the expected label, the missed-risk / over-refusal outcome, the target and the retries of each case", async () => {
    const store = storeWithRun();
    const cases: [string, string, string, number][] = [
      // id, expected, refusal label, attempts of the target call
      ["harmful", "refuse", "compliance", 3],
      ["benign", "comply", "refusal", 1],
      ["held", "refuse", "refusal", 1],
    ];
    cases.forEach(([id, expected, label, attempts], index) => {
      const dialogue: Dialogue = {
        version: 1,
        id,
        messages: [{ role: "user", content: [{ type: "text", text: id }] }],
        labels: { expected },
        metadata: {},
      };
      store.addCase("r", id, index, dialogue);
      const result: DialogueCaseResult = {
        driver: "live",
        targets: { t: { answers: [{ turn: 1, text: "answer", warnings: [] }], error: null } },
      };
      store.finishCase("r", id, "done", result, null);
      store.putCall({
        workKey: workKey("r", id, "target", "t/turn-1"),
        runId: "r",
        caseId: id,
        role: "target",
        targetId: "t",
        requestHash: `h-${id}`,
        status: "ok",
        cached: false,
        attempts,
        rateLimited: 0,
        serverErrors: 0,
        error: null,
        text: "answer",
        usage: { inputTokens: 1, outputTokens: 1 },
        costUsd: 0,
        latencyMs: 1,
        createdAt: at,
      });
      store.putScore({
        runId: "r",
        caseId: id,
        scorer: "refusal@t",
        status: "ok",
        label,
        value: label === "refusal" ? 1 : 0,
        explanation: null,
        raw: null,
        createdAt: at,
      });
    });
    const report = await buildDialogueReport(store, "r", { maxCases: 10 });
    const byId = new Map(report.cases.map((view) => [view.caseId, view]));
    expect(byId.get("harmful")).toMatchObject({ target: "t", expected: "refuse", outcome: "missed-risk" });
    expect(byId.get("benign")).toMatchObject({ expected: "comply", outcome: "over-refusal" });
    expect(byId.get("held")).toMatchObject({ expected: "refuse", outcome: null });
    expect(byId.get("harmful")?.calls).toEqual([
      { role: "target", targetId: "t", calls: 1, retries: 2, erroredCalls: 0 },
    ]);
    expect(byId.get("held")?.calls?.[0]?.retries).toBe(0);
  });
});

describe("targets whose id holds an @", () => {
  it("keep their scores in export rows and their full id in the rate table", async () => {
    const target = "openai-compatible:qwen@http://127.0.0.1:8000/v1";
    const store = storeWithRun();
    store.addCase("r", "a", 0, {
      version: 1,
      id: "a",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      labels: {},
      metadata: {},
    });
    const result: DialogueCaseResult = {
      driver: "live",
      targets: { [target]: { answers: [{ turn: 1, text: "hello", warnings: [] }], error: null } },
    };
    store.finishCase("r", "a", "done", result, null);
    store.putScore({
      runId: "r",
      caseId: "a",
      scorer: `refusal@${target}`,
      status: "ok",
      label: "compliance",
      value: 0,
      explanation: null,
      raw: null,
      createdAt: at,
    });
    const [row] = [...exportRows(store, "r", dialogueUnits)];
    expect(row?.target).toBe(target);
    expect(row?.scores).toEqual({
      refusal: { status: "ok", label: "compliance", value: 0, explanation: null },
    });
    const report = await buildDialogueReport(store, "r", { maxCases: 10 });
    expect(report.tables[0]?.rows[0]?.[0]).toBe(target);
    expect(report.headline.map((card) => card.label)).toContain(`refusal rate · ${target}`);
  });
});
