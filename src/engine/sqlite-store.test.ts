import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
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
  it("makes case writes visible to other connections only after the commit interval or flush", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-batch-")), "t.db");
    const writer = new SqliteStore(file, { commitIntervalMs: 30 });
    const reader = new SqliteStore(file);
    // Run-level writes are committed at once.
    writer.putRun(run);
    expect(reader.getRun(run.id)).toEqual(run);
    writer.addCase(run.id, "d1", 0, dialogue);
    expect(reader.getCase(run.id, "d1")).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(reader.getCase(run.id, "d1")?.status).toBe("pending");
    expect(() =>
      writer.transaction(() => {
        writer.finishCase(run.id, "d1", "done", null, null);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    writer.flush();
    expect(reader.getCase(run.id, "d1")?.status).toBe("pending");
    // A case that finishes before its insert is committed is written once, with its outcome.
    writer.addCase(run.id, "d2", 1, dialogue);
    writer.finishCase(run.id, "d2", "errored", { partial: true }, "boom");
    // A read through the writer applies what it holds first.
    expect(writer.getCase(run.id, "d2")).toMatchObject({
      status: "errored",
      result: { partial: true },
      error: "boom",
    });
    expect(reader.getCase(run.id, "d2")?.status).toBe("errored");
    // Re-registering a finished case (a resume) leaves it as it is.
    writer.addCase(run.id, "d2", 1, { ...dialogue, id: "changed" });
    writer.flush();
    expect(reader.getCase(run.id, "d2")).toMatchObject({ status: "errored", dialogue: { id: "d1" } });
    writer.close();
    reader.close();
  });

  it("serves calls and answers it holds before they are committed", () => {
    const writer = new SqliteStore(":memory:", { commitIntervalMs: 60_000 });
    writer.putRun(run);
    writer.transaction(() => {
      writer.putCachedResponse({
        requestHash: "h1",
        targetFingerprint: "f",
        text: "answer",
        usage: { inputTokens: 1, outputTokens: 2 },
        finishReason: "stop",
        modelId: "m",
      });
      writer.putCall({
        workKey: "k1",
        runId: run.id,
        caseId: "d1",
        role: "target",
        targetId: "t",
        requestHash: "h1",
        status: "ok",
        cached: false,
        attempts: 1,
        rateLimited: 0,
        serverErrors: 0,
        error: null,
        text: "answer",
        usage: { inputTokens: 1, outputTokens: 2 },
        costUsd: 0,
        latencyMs: 1,
        createdAt: "now",
      });
      // Inside a unit its own writes are not applied yet.
      expect(writer.getCall("k1")).toBeUndefined();
    });
    expect(writer.getCall("k1")?.text).toBe("answer");
    expect(writer.getCachedResponse("h1")?.usage).toEqual({ inputTokens: 1, outputTokens: 2 });
    writer.flush();
    expect(writer.getCall("k1")?.text).toBe("answer");
    expect(writer.usage(run.id)).toMatchObject([{ role: "target", calls: 1, inputTokens: 1 }]);
    writer.close();
  });

  it("sees answers other processes committed by the next commit", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-batch-")), "t.db");
    const writer = new SqliteStore(file, { commitIntervalMs: 60_000 });
    const other = new SqliteStore(file);
    const answer = {
      requestHash: "h9",
      targetFingerprint: "f",
      text: "from elsewhere",
      usage: { inputTokens: 1, outputTokens: 1 },
      finishReason: "stop",
      modelId: "m",
    };
    expect(writer.getCachedResponse("h9")).toBeUndefined();
    other.putCachedResponse(answer);
    // Lookups read one snapshot per commit interval...
    expect(writer.getCachedResponse("h9")).toBeUndefined();
    // ...and the snapshot ends with the next commit (or any other read).
    writer.flush();
    expect(writer.getCachedResponse("h9")?.text).toBe("from elsewhere");
    // Holding a snapshot does not stop the writer's own commits or other writers.
    writer.addCase(run.id, "d1", 0, dialogue);
    other.putRun(run);
    writer.flush();
    expect(other.countCases(run.id).pending).toBe(1);
    writer.close();
    other.close();
  });

  it("commits early once a group holds maxGroupedWrites writes", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-batch-")), "t.db");
    const writer = new SqliteStore(file, { commitIntervalMs: 60_000, maxGroupedWrites: 3 });
    const reader = new SqliteStore(file);
    writer.putRun(run);
    for (let index = 0; index < 3; index++) writer.addCase(run.id, `d${index}`, index, dialogue);
    expect(reader.countCases(run.id).pending).toBe(3);
    writer.addCase(run.id, "d3", 3, dialogue);
    expect(reader.countCases(run.id).pending).toBe(3);
    writer.close();
    expect(reader.countCases(run.id).pending).toBe(4);
    reader.close();
  });
});

describe("SqliteStore write log", () => {
  const childScript = (storeFile: string) => `
    import { SqliteStore } from ${JSON.stringify(path.resolve("src/engine/sqlite-store.ts"))};
    const store = new SqliteStore(${JSON.stringify(storeFile)}, { commitIntervalMs: 60_000, writeLog: true });
    const run = ${JSON.stringify(run)};
    store.putRun(run);
    store.addCase(run.id, "d1", 0, ${JSON.stringify(dialogue)});
    store.transaction(() => {
      store.putCachedResponse({ requestHash: "h1", targetFingerprint: "f", text: "answer", usage: { inputTokens: 3, outputTokens: 4 }, finishReason: "stop", modelId: "m" });
      store.putCall({ workKey: "k1", runId: run.id, caseId: "d1", role: "target", targetId: "t", requestHash: "h1", status: "ok", cached: false, attempts: 1, error: null, text: "answer", usage: { inputTokens: 3, outputTokens: 4 }, costUsd: 0.5, latencyMs: 1, createdAt: "now" });
    });
    store.finishCase(run.id, "d1", "done", { answer: 1 }, null);
    process.kill(process.pid, "SIGKILL");
  `;

  it("loses no model call when the process is killed before the group is committed", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-log-"));
    const file = path.join(dir, "t.db");
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", childScript(file)], {
      encoding: "utf8",
    });
    expect(child.signal, child.stderr).toBe("SIGKILL");
    expect(readdirSync(dir).filter((name) => name.includes("-turnsafe-log-"))).toHaveLength(1);

    const store = new SqliteStore(file);
    expect(store.getRun(run.id)?.status).toBe("running");
    // Calls and answers survive; the case is replayed from them on resume.
    expect(store.getCase(run.id, "d1")).toBeUndefined();
    expect(store.getCall("k1")).toMatchObject({ status: "ok", text: "answer", costUsd: 0.5 });
    expect(store.getCachedResponse("h1")?.text).toBe("answer");
    store.close();
    // The replayed log is gone.
    expect(readdirSync(dir).filter((name) => name.includes("-turnsafe-log-"))).toEqual([]);
  });

  it("leaves a live process's log alone and removes its own on close", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-log-"));
    const file = path.join(dir, "t.db");
    const writer = new SqliteStore(file, { commitIntervalMs: 60_000, writeLog: true });
    writer.putRun(run);
    writer.addCase(run.id, "d1", 0, dialogue);
    writer.putCachedResponse({
      requestHash: "h1",
      targetFingerprint: "f",
      text: "answer",
      usage: { inputTokens: 1, outputTokens: 1 },
      finishReason: "stop",
      modelId: "m",
    });
    const reader = new SqliteStore(file);
    expect(reader.getCase(run.id, "d1")).toBeUndefined();
    expect(reader.getCachedResponse("h1")).toBeUndefined();
    expect(readdirSync(dir).filter((name) => name.includes("-turnsafe-log-"))).toHaveLength(1);
    writer.close();
    expect(reader.getCase(run.id, "d1")?.status).toBe("pending");
    expect(reader.getCachedResponse("h1")?.text).toBe("answer");
    expect(readdirSync(dir).filter((name) => name.includes("-turnsafe-log-"))).toEqual([]);
    reader.close();
  });

  it("skips a torn last line and names the line of a corrupt one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-log-"));
    const file = path.join(dir, "t.db");
    new SqliteStore(file).close();
    const deadPid = 2 ** 22 + 1;
    const response = JSON.stringify(["response", ["h1", "f", "answer", 3, 4, "stop", "m", "now"]]);
    writeFileSync(`${file}-turnsafe-log-${deadPid}-aaaaaa`, `${response}\n["call", ["k`);
    const store = new SqliteStore(file);
    expect(store.getCachedResponse("h1")?.text).toBe("answer");
    store.close();

    writeFileSync(`${file}-turnsafe-log-${deadPid}-bbbbbb`, `{oops\n${response}\n`);
    expect(() => new SqliteStore(file)).toThrow(/turnsafe-log-.*:1 is not valid JSON/);
    // Only calls and answers are ever logged.
    const finish = JSON.stringify(["finish", ["done", null, null, "now", run.id, "d1"]]);
    writeFileSync(`${file}-turnsafe-log-${deadPid}-bbbbbb`, `${finish}\n${response}\n`);
    expect(() => new SqliteStore(file)).toThrow(/:1: unknown write "finish"/);
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
