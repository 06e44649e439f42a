import { describe, expect, it } from "vitest";
import { buildDialogueReport } from "../benchmarks/dialogues/dialogue-report.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";
import type { SqliteStore } from "../engine/sqlite-store.ts";
import { InputError } from "../errors.ts";
import { storeWithRun } from "../testing/store-with-run.ts";
import { checkBreakdownKeys } from "./breakdown-table.ts";

const at = "2026-01-01T00:00:00Z";

/** A run of six cases in two categories (one case without), answered by target t and judged for refusal. */
function storeWithCategories(): SqliteStore {
  const store = storeWithRun();
  const cases: [string, string | undefined, string, string][] = [
    ["a", "fraud", "refusal", "direct"],
    ["b", "fraud", "compliance", "direct"],
    ["c", "fraud", "compliance", "roleplay"],
    ["d", "weapons", "refusal", "roleplay"],
    ["e", "weapons", "refusal", "direct"],
    ["f", undefined, "compliance", "direct"],
  ];
  cases.forEach(([id, category, label, method], index) => {
    const dialogue: Dialogue = {
      version: 1,
      id,
      messages: [{ role: "user", content: [{ type: "text", text: id }] }],
      labels: { method },
      metadata: category ? { category, source: { set: `set-${index % 2}` } } : {},
    };
    store.addCase("r", id, index, dialogue);
    store.finishCase("r", id, "done", null, null);
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
  return store;
}

describe("breakdown tables", () => {
  it("break rates down by metadata.category by default, one row per category, target and judge", async () => {
    const report = await buildDialogueReport(storeWithCategories(), "r", { maxCases: 10 });
    const table = report.tables.find((entry) => entry.title === "Rates by category");
    // [category, target, judge, judged, rate, low, high, no verdict, errored]
    expect(table?.rows.map((row) => row.slice(0, 5))).toEqual([
      ["(none)", "t", "refusal = refusal", 1, 0],
      ["fraud", "t", "refusal = refusal", 3, 1 / 3],
      ["weapons", "t", "refusal = refusal", 2, 1],
    ]);
    expect(report.cases.find((view) => view.caseId === "d")?.category).toBe("weapons");
  });

  it("break down by any key the user names: labels when metadata lacks it, dots for nested fields", async () => {
    const report = await buildDialogueReport(storeWithCategories(), "r", {
      maxCases: 10,
      breakdown: ["method", "source.set", "missing"],
    });
    const byTitle = (title: string) => report.tables.find((entry) => entry.title === title);
    expect(byTitle("Rates by category")).toBeUndefined();
    expect(byTitle("Rates by method")?.rows.map((row) => row.slice(0, 5))).toEqual([
      ["direct", "t", "refusal = refusal", 4, 0.5],
      ["roleplay", "t", "refusal = refusal", 2, 0.5],
    ]);
    expect(byTitle("Rates by source.set")?.rows.map((row) => row[0])).toEqual(["(none)", "set-0", "set-1"]);
    expect(byTitle("Rates by missing")?.note).toBe("No case has metadata.missing or labels.missing.");
    expect(report.cases.find((view) => view.caseId === "c")?.category).toBe("roleplay");
  });

  it("rejects a key that is not a plain field path, naming the flag", () => {
    expect(() => checkBreakdownKeys(["category", "a'); DROP"], "--breakdown")).toThrow(InputError);
    expect(() => checkBreakdownKeys(["x"], "--breakdown")).not.toThrow();
  });
});
