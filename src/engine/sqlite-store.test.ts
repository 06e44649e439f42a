import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { SqliteStore } from "./sqlite-store.ts";

const dialogue: Dialogue = {
  version: 1,
  id: "d1",
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  labels: {},
  metadata: {},
};
const run = {
  id: "quick-abc123",
  name: "quick",
  recipe: "dialogues",
  status: "running" as const,
  config: { a: 1 },
  simulator: true,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
};

describe("SqliteStore", () => {
  it("keeps runs, cases and scores across reopening", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-store-")), "t.db");
    const store = new SqliteStore(file);
    store.putRun(run);
    store.addCase(run.id, "d1", 0, dialogue);
    store.addCase(run.id, "d1", 0, { ...dialogue, id: "changed" });
    store.finishCase(run.id, "d1", "done", { answer: 42 }, null);
    store.putScore({
      runId: run.id,
      caseId: "d1",
      scorer: "refusal@x",
      status: "unparsed",
      label: null,
      value: null,
      explanation: null,
      raw: "???",
      createdAt: run.createdAt,
    });
    store.close();
    const reopened = new SqliteStore(file);
    expect(reopened.getRun(run.id)).toEqual(run);
    expect(reopened.getCase(run.id, "d1")).toMatchObject({
      status: "done",
      result: { answer: 42 },
      dialogue: { id: "d1" },
    });
    expect([...reopened.finishedCaseIds(run.id)]).toEqual(["d1"]);
    expect([...reopened.iterateScores(run.id)][0]).toMatchObject({ status: "unparsed", raw: "???" });
    expect(reopened.countCases(run.id)).toEqual({ pending: 0, done: 1, errored: 0 });
    reopened.close();
  });

  it("finds runs by id prefix or name and refuses ambiguous prefixes", () => {
    const store = new SqliteStore(":memory:");
    store.putRun(run);
    store.putRun({ ...run, id: "quick-abd999", createdAt: "2026-01-02T00:00:00Z" });
    expect(store.findRun("quick-abc")?.id).toBe("quick-abc123");
    expect(() => store.findRun("quick-ab")).toThrow(/several runs/);
    expect(store.findRun("quick")?.id).toBe("quick-abd999");
    expect(store.findRun("quick-abd")?.id).toBe("quick-abd999");
    expect(store.findRun("nope")).toBeUndefined();
    store.deleteRun("quick-abc123");
    expect(store.listRuns().map((r) => r.id)).toEqual(["quick-abd999"]);
  });

  it("rolls back a failed transaction", () => {
    const store = new SqliteStore(":memory:");
    expect(() =>
      store.transaction(() => {
        store.putRun(run);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(store.getRun(run.id)).toBeUndefined();
  });
});

describe("SqliteStore with grouped commits", () => {
  it("makes writes visible to other connections only after the commit interval or flush", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-batch-")), "t.db");
    const writer = new SqliteStore(file, { commitIntervalMs: 30 });
    const reader = new SqliteStore(file);
    writer.putRun(run);
    expect(writer.getRun(run.id)).toEqual(run);
    expect(reader.getRun(run.id)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(reader.getRun(run.id)).toEqual(run);
    writer.addCase(run.id, "d1", 0, dialogue);
    expect(() =>
      writer.transaction(() => {
        writer.finishCase(run.id, "d1", "done", null, null);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    writer.flush();
    expect(reader.getCase(run.id, "d1")?.status).toBe("pending");
    writer.close();
    reader.close();
  });
});

describe("SqliteStore.caseSummaries", () => {
  it("counts user turns and reads the expected label without parsing dialogues in JavaScript", () => {
    const store = new SqliteStore(":memory:");
    store.putRun(run);
    const twoTurns: Dialogue = {
      ...dialogue,
      id: "d2",
      messages: [
        ...dialogue.messages,
        { role: "assistant", content: [{ type: "text", text: "a" }] },
        { role: "user", content: [{ type: "text", text: "b" }] },
      ],
      labels: { expected: "refuse" },
    };
    store.addCase(run.id, "d1", 0, dialogue);
    store.addCase(run.id, "d2", 1, twoTurns);
    expect([...store.caseSummaries(run.id)]).toEqual([
      { caseId: "d1", status: "pending", userTurns: 1, expected: null },
      { caseId: "d2", status: "pending", userTurns: 2, expected: "refuse" },
    ]);
  });
});
