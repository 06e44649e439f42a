import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { fillViewerRun } from "../testing/viewer-fixture.ts";
import { STORE_SCHEMA } from "./sqlite-schema.ts";
import { SqliteStore } from "./sqlite-store.ts";

/** SQLite's plan for a statement, one line per step. */
function plan(db: DatabaseSync, sql: string, ...values: (string | number)[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as { detail: string }[])
    .map((row) => row.detail)
    .join("\n");
}

describe("the viewer's chunked reads on SQLite", () => {
  it("gives a store made before it the cases_by_update index, and every chunk query uses an index", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-chunks-")), "old.db");
    const old = new DatabaseSync(file);
    old.exec(STORE_SCHEMA);
    old.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '1')");
    old.close();
    const store = new SqliteStore(file);
    fillViewerRun(store, { runId: "r", cases: 30 });
    const viewer = store.viewer();
    expect(viewer.casesAfter("r", 9, 5).map((c) => c.index)).toEqual([10, 11, 12, 13, 14]);
    const scores = viewer.scoresOfCaseRange("r", 10, 11);
    expect(new Set(scores.map((score) => score.caseId))).toEqual(new Set(["case-000010", "case-000011"]));
    expect(scores.length).toBe(2 * 4);
    const newest = [...store.iterateCases("r")]
      .map((c) => c.updatedAt)
      .sort()
      .at(-1);
    expect(viewer.lastCaseUpdate("r")).toBe(newest);
    store.close();

    const db = new DatabaseSync(file);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'cases_by_update'").get()).toBeDefined();
    // No full scan of a run's cases or scores (the first visit of a 100k-case run reads 100 chunks).
    expect(plan(db, "SELECT MAX(updated_at) AS t FROM cases WHERE run_id = ?", "r")).toMatch(
      /USING COVERING INDEX cases_by_update/,
    );
    expect(
      plan(db, "SELECT * FROM cases WHERE run_id = ? AND updated_at >= ? ORDER BY idx", "r", "x"),
    ).toMatch(/cases_by_update|cases_by_index/);
    const scoresPlan = plan(
      db,
      `SELECT * FROM scores WHERE run_id = ? AND case_id IN
         (SELECT case_id FROM cases WHERE run_id = ? AND idx >= ? AND idx <= ?)`,
      "r",
      "r",
      0,
      9,
    );
    expect(scoresPlan).toMatch(/SEARCH scores USING (INDEX|PRIMARY KEY)[^\n]*case_id=\?/);
    expect(scoresPlan).not.toMatch(/SCAN scores/);
    db.close();
  });
});
