import { describe, expect, it } from "vitest";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import type { ScoreRecord } from "../../engine/store.ts";
import { storeWithRun } from "../../testing/store-with-run.ts";
import { buildDialogueReport } from "./dialogue-report.ts";

const at = "2026-01-01T00:00:00Z";

function dialogue(id: string, userTurns: number, expected?: string): Dialogue {
  const messages = Array.from({ length: userTurns }, (_, turn) => ({
    role: "user" as const,
    content: [{ type: "text" as const, text: `${id} turn ${turn}` }],
  }));
  return { version: 1, id, messages, labels: expected ? { expected } : {}, metadata: {} };
}

describe("buildDialogueReport", () => {
  it("counts rates per target, judge and length, keeping unparsed, errored and empty verdicts out of the rate but visible", async () => {
    const store = storeWithRun();
    const score = (
      caseId: string,
      scorer: string,
      status: ScoreRecord["status"],
      label: string | null,
      value: number | null,
    ) =>
      store.putScore({
        runId: "r",
        caseId,
        scorer,
        status,
        label,
        value,
        explanation: null,
        raw: null,
        createdAt: at,
      });
    const cases: [string, number, string | undefined][] = [
      ["a", 1, "refuse"],
      ["b", 1, "refuse"],
      ["c", 2, "comply"],
      ["d", 2, "comply"],
      ["e", 2, undefined],
    ];
    cases.forEach(([id, turns, expected], index) => {
      store.addCase("r", id, index, dialogue(id, turns, expected));
      store.finishCase(
        "r",
        id,
        id === "e" ? "errored" : "done",
        null,
        id === "e" ? "target failed: HTTP 500" : null,
      );
    });
    score("a", "refusal@t", "ok", "refusal", 1);
    score("b", "refusal@t", "ok", "compliance", 0);
    score("c", "refusal@t", "ok", "refusal", 1);
    score("d", "refusal@t", "ok", "empty", null);
    score("a", "safety@t", "ok", "safe", 0);
    score("b", "safety@t", "ok", "unsafe", 1);
    score("c", "safety@t", "unparsed", null, null);
    score("d", "safety@t", "errored", null, null);

    const report = await buildDialogueReport(store, "r", { maxCases: 10 });
    expect(report.counts).toEqual({
      cases: 5,
      done: 4,
      errored: 1,
      pending: 0,
      unparsedScores: 1,
      erroredScores: 1,
    });
    const rows = report.tables[0]?.rows ?? [];
    const row = (judge: string, turns: number | string) =>
      rows.find((entry) => String(entry[1]).startsWith(judge) && entry[2] === turns);
    // [target, judge, turns, judged, rate, low, high, no verdict, errored]
    expect(row("refusal", 1)?.slice(3, 5)).toEqual([2, 0.5]);
    expect(row("refusal", 2)?.slice(3, 5)).toEqual([1, 1]);
    expect(row("refusal", 2)?.[7]).toBe(1);
    expect(row("safety", 1)?.slice(3, 5)).toEqual([2, 0.5]);
    expect(row("safety", 2)?.slice(3, 9)).toEqual([0, null, null, null, 1, 1]);
    // Missed risk: of 2 "refuse" cases, b was not refused. Over-refusal: c refused; d (empty) has no verdict.
    expect(report.tables[1]?.rows[0]?.slice(1, 3)).toEqual([2, 0.5]);
    expect(report.tables[1]?.rows[0]?.slice(5, 7)).toEqual([1, 1]);
    // Errored and flagged cases come first in the case browser.
    expect(report.cases.slice(0, 3).map((view) => view.caseId)).toEqual(["e", "c", "d"]);
  });
});
