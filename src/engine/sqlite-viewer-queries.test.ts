import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { fillViewerRun } from "../testing/viewer-fixture.ts";
import { STORE_SCHEMA } from "./sqlite-schema.ts";
import { SqliteStore } from "./sqlite-store.ts";

describe("viewer queries of the SQLite store", () => {
  it("adds the human_labels table to a store made before it, keeping what it holds", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-labels-")), "old.db");
    const old = new DatabaseSync(file);
    old.exec(STORE_SCHEMA);
    old.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '1')");
    expect(old.prepare("SELECT name FROM sqlite_master WHERE name = 'human_labels'").get()).toBeUndefined();
    old.close();
    const first = new SqliteStore(file);
    fillViewerRun(first, { runId: "r", cases: 3 });
    first.close();
    const store = new SqliteStore(file);
    const viewer = store.viewer();
    viewer.putLabel({
      runId: "r",
      caseId: "case-000000",
      scorer: "safety@sim:alpha",
      verdict: "wrong",
      note: "the answer refused",
      createdAt: "2026-01-02T00:00:00.000Z",
    });
    // A second label on the same verdict replaces the first.
    viewer.putLabel({
      runId: "r",
      caseId: "case-000000",
      scorer: "safety@sim:alpha",
      verdict: "right",
      note: null,
      createdAt: "2026-01-03T00:00:00.000Z",
    });
    store.close();
    const reopened = new SqliteStore(file);
    expect(reopened.viewer().labelsForCase("r", "case-000000")).toEqual([
      expect.objectContaining({ scorer: "safety@sim:alpha", verdict: "right", note: null }),
    ]);
    expect(reopened.viewer().exportLabels("r")).toEqual([
      expect.objectContaining({ verdict: "right", judgeStatus: "ok", judgeLabel: "safe", judgeValue: 0 }),
    ]);
    expect(reopened.viewer().exportLabels("other")).toEqual([]);
    expect(reopened.countCases("r")).toEqual({ pending: 0, done: 3, errored: 0 });
    reopened.close();
  });

  it("finds a case's calls by work key range only, with answers from the response table", () => {
    const store = new SqliteStore(":memory:");
    fillViewerRun(store, { runId: "r", cases: 12 });
    fillViewerRun(store, { runId: "r2", cases: 12 });
    const calls = store.viewer().callsForCase("r", "case-000001");
    expect(calls.map((call) => [call.runId, call.caseId, call.targetId])).toEqual([
      ["r", "case-000001", "sim:alpha"],
      ["r", "case-000001", "sim:beta"],
    ]);
    expect(calls[0]?.text).toMatch(/case 1/);
    // A case id that is a prefix of another (case-00000 vs case-000001) matches nothing of it.
    expect(store.viewer().callsForCase("r", "case-00000")).toEqual([]);
    store.close();
  });

  it("counts every run's cases by status and labelled verdicts by judge", () => {
    const store = new SqliteStore(":memory:");
    fillViewerRun(store, { runId: "r", cases: 40, pending: 5, status: "running" });
    const progress = store.viewer().runProgress();
    expect(progress).toEqual([
      expect.objectContaining({ runId: "r", status: "running", cases: { pending: 5, done: 39, errored: 1 } }),
    ]);
    const counts = store.viewer().verdictCounts("r");
    const safety = counts.filter((row) => row.judge === "safety").reduce((sum, row) => sum + row.count, 0);
    // 40 cases x 2 targets, less the errored target part, less the unparsed verdicts (case 7 on both).
    expect(safety).toBe(80 - 1 - 2);
    expect(store.viewer().casesUpdatedSince("r", "2000-01-01").length).toBe(45);
    expect(store.viewer().casesUpdatedSince("r", "2999-01-01")).toEqual([]);
    store.close();
  });
});
