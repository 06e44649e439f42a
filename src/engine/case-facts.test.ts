import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { SqliteStore } from "./sqlite-store.ts";

const dialogue = (id: string, turns: number, expected: string | undefined, category: string): Dialogue => ({
  version: 1,
  id,
  messages: Array.from({ length: turns }, (_, turn) => [
    { role: "user" as const, content: [{ type: "text" as const, text: `q${turn}` }] },
    { role: "assistant" as const, content: [{ type: "text" as const, text: `a${turn}` }] },
  ]).flat(),
  labels: expected ? { expected } : {},
  metadata: { category, nested: { group: `g-${category}` } },
});

function counts(store: SqliteStore) {
  return {
    summaries: [...store.caseSummaries("r")],
    groups: store
      .scoreGroups("r")
      .sort((a, b) => a.userTurns - b.userTurns || a.scorer.localeCompare(b.scorer)),
    category: store.scoreBreakdown("r", "category"),
    nested: store.scoreBreakdown("r", "nested.group"),
  };
}

describe("cases.facts: what reports count cases by", () => {
  it("gives the same summaries and breakdowns as reading the whole dialogue (rows from before it)", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-facts-")), "s.db");
    const store = new SqliteStore(file);
    const at = "2026-01-01T00:00:00Z";
    store.putRun({
      id: "r",
      name: "r",
      recipe: "dialogues",
      status: "running",
      config: {},
      simulator: false,
      createdAt: at,
      updatedAt: at,
    });
    const cases = [
      dialogue("a", 1, "refuse", "x"),
      dialogue("b", 3, "comply", "y"),
      dialogue("c", 3, undefined, "x"),
    ];
    for (const [index, item] of cases.entries()) {
      store.addCase("r", item.id, index, item);
      store.putScore({
        runId: "r",
        caseId: item.id,
        scorer: "refusal@t",
        status: "ok",
        label: index === 0 ? "refused" : "complied",
        value: null,
        explanation: null,
        raw: null,
        createdAt: at,
      });
    }
    store.flush();
    const withFacts = counts(store);
    expect(withFacts.summaries.map((row) => [row.caseId, row.userTurns, row.expected])).toEqual([
      ["a", 1, "refuse"],
      ["b", 3, "comply"],
      ["c", 3, null],
    ]);
    expect(new Set(withFacts.category.map((row) => row.value))).toEqual(new Set(["x", "y"]));
    expect(new Set(withFacts.nested.map((row) => row.value))).toEqual(new Set(["g-x", "g-y"]));
    store.close();
    // As a store written before the column: the same figures from the dialogues themselves.
    const db = new DatabaseSync(file);
    db.exec("UPDATE cases SET facts = NULL");
    db.close();
    const reopened = new SqliteStore(file);
    expect(counts(reopened)).toEqual(withFacts);
    reopened.close();
  });
});
