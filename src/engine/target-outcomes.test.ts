import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { SqliteStore } from "./sqlite-store.ts";

const dialogue = (id: string): Dialogue => ({
  version: 1,
  id,
  messages: [{ role: "user", content: [{ type: "text", text: id }] }],
  labels: {},
  metadata: {},
});
const run = {
  id: "r",
  name: "r",
  recipe: "dialogues",
  status: "running" as const,
  config: {},
  simulator: false,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
};

describe("per-target case outcomes", () => {
  it("are stored with the case and counted per target with the most common reasons, grouped writes included", () => {
    const store = new SqliteStore(":memory:", { commitIntervalMs: 60_000 });
    store.putRun(run);
    for (const [index, id] of ["a", "b", "c", "d"].entries()) store.addCase(run.id, id, index, dialogue(id));
    store.finishCase(run.id, "a", "errored", null, "blind: no vision", { good: null, blind: "no vision" });
    store.finishCase(run.id, "b", "errored", null, "blind: no vision", { good: null, blind: "no vision" });
    store.finishCase(run.id, "c", "errored", null, "blind: HTTP 500", { good: null, blind: "HTTP 500" });
    expect(store.targetOutcomes(run.id)).toEqual([
      {
        target: "blind",
        done: 0,
        errored: 3,
        reasons: [
          { error: "no vision", count: 2 },
          { error: "HTTP 500", count: 1 },
        ],
      },
      { target: "good", done: 3, errored: 0, reasons: [] },
    ]);
    expect(store.getCase(run.id, "a")?.targets).toEqual({ good: null, blind: "no vision" });
    expect(store.getCase(run.id, "d")?.targets).toBeNull();
    store.close();
  });

  it("open a store made before the column existed, keeping its cases", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-outcomes-")), "old.db");
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema_version', '1');
      CREATE TABLE cases (run_id TEXT NOT NULL, case_id TEXT NOT NULL, idx INTEGER NOT NULL,
        dialogue TEXT NOT NULL, status TEXT NOT NULL, result TEXT, error TEXT, updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, case_id));
      INSERT INTO cases VALUES ('r', 'old', 0, '${JSON.stringify(dialogue("old"))}', 'done', '{"x":1}', NULL, 'then');`);
    old.close();
    const store = new SqliteStore(file);
    store.putRun(run);
    expect(store.getCase(run.id, "old")).toMatchObject({ status: "done", result: { x: 1 }, targets: null });
    store.addCase(run.id, "new", 1, dialogue("new"));
    store.finishCase(run.id, "new", "done", null, null, { good: null });
    expect(store.targetOutcomes(run.id)).toEqual([{ target: "good", done: 1, errored: 0, reasons: [] }]);
    store.close();
    // Reopening does not add the column twice.
    new SqliteStore(file).close();
  });
});
