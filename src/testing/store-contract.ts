import { describe, expect, it } from "vitest";
import type { Dialogue } from "../dialogue/dialogue.ts";
import type { CallRecord, RunRecord, ScoreRecord, Store } from "../engine/store.ts";

/**
 * The behaviour every Store must have, as one suite run against each backend (store-contract.test.ts):
 * `open` gives an empty store, `reopen` a second connection to the same data (or the same store
 * where a backend has no second connection, e.g. SQLite `:memory:`).
 */
export interface StoreBackend {
  open(): Store;
  reopen(store: Store): Store;
}

export const contractRun: RunRecord = {
  id: "quick-abc123",
  name: "quick",
  recipe: "dialogues",
  status: "running",
  config: { a: 1, nested: { list: [1, "two"] } },
  simulator: true,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
};

export function contractDialogue(id: string, userTurns = 1, labels: Dialogue["labels"] = {}): Dialogue {
  const messages: Dialogue["messages"] = [{ role: "system", content: [{ type: "text", text: "sys" }] }];
  for (let turn = 0; turn < userTurns; turn++) {
    messages.push({
      role: "user",
      content: [{ type: "text", text: `hi ${turn} ✓ 'quoted' ? \\ back\\slash $1 \\'` }],
    });
    messages.push({ role: "assistant", content: [{ type: "text", text: "hello" }] });
  }
  return {
    version: 1,
    id,
    messages,
    labels,
    metadata: { lang: id.endsWith("1") ? "en" : "de", deep: { n: 3 } },
  };
}

export function contractCall(caseId: string, step: string, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    workKey: `${contractRun.id}\u001f${caseId}\u001f${step}`,
    runId: contractRun.id,
    caseId,
    role: "target",
    targetId: "sim:a",
    requestHash: `hash-${caseId}-${step}`,
    status: "ok",
    cached: false,
    attempts: 3,
    rateLimited: 1,
    serverErrors: 1,
    error: null,
    text: "answer",
    usage: { inputTokens: 10, outputTokens: 5 },
    costUsd: 0.25,
    latencyMs: 12.5,
    createdAt: "2026-01-01T00:00:01Z",
    ...overrides,
  };
}

function score(caseId: string, scorer: string, overrides: Partial<ScoreRecord> = {}): ScoreRecord {
  return {
    runId: contractRun.id,
    caseId,
    scorer,
    status: "ok",
    label: "refused",
    value: 1,
    explanation: "because",
    raw: "{...}",
    createdAt: "2026-01-01T00:00:02Z",
    ...overrides,
  };
}

/** Registers the contract run with three cases: c1 done, c2 errored with target outcomes, c3 pending. */
function fill(store: Store): void {
  store.putRun(contractRun);
  store.addCase(contractRun.id, "c1", 0, contractDialogue("c1", 2, { expected: "refuse" }));
  store.addCase(contractRun.id, "c2", 1, contractDialogue("c2", 1, { expected: 3 as unknown as string }));
  store.addCase(contractRun.id, "c3", 2, contractDialogue("c3", 3));
  store.finishCase(contractRun.id, "c1", "done", { answer: 42 }, null, { a: null, b: null });
  store.finishCase(contractRun.id, "c2", "errored", null, "boom", { a: null, b: "timeout" });
}

export function storeContract(name: string, backend: () => StoreBackend | string): void {
  describe(`Store contract: ${name}`, () => {
    const test = (title: string, body: (store: Store, reopen: (store: Store) => Store) => void) =>
      it(title, (context) => {
        const opened = backend();
        if (typeof opened === "string") {
          context.skip(opened);
          return;
        }
        const store = opened.open();
        try {
          body(store, (s) => opened.reopen(s));
        } finally {
          store.close();
        }
      });

    test("keeps runs, cases, calls and scores across connections", (store, reopen) => {
      fill(store);
      store.addCase(contractRun.id, "c1", 0, contractDialogue("changed"));
      store.putCall(contractCall("c1", "t0"));
      store.putCachedResponse({
        requestHash: "hash-c1-t0",
        targetFingerprint: "fp",
        text: "answer",
        usage: { inputTokens: 1, outputTokens: 2 },
        finishReason: "stop",
        modelId: "m",
      });
      store.putScore(
        score("c1", "refusal@sim:a", { status: "unparsed", label: null, value: null, raw: "???" }),
      );
      store.flush();
      const other = reopen(store);
      try {
        expect(other.getRun(contractRun.id)).toEqual(contractRun);
        expect(other.getCase(contractRun.id, "c1")).toMatchObject({
          index: 0,
          status: "done",
          result: { answer: 42 },
          dialogue: { id: "c1" },
          targets: { a: null, b: null },
        });
        // Quotes, backslashes and placeholder-like text come back exactly as written.
        expect(other.getCase(contractRun.id, "c1")?.dialogue).toEqual(
          contractDialogue("c1", 2, { expected: "refuse" }),
        );
        expect(other.getCase(contractRun.id, "c3")).toMatchObject({
          status: "pending",
          result: null,
          targets: null,
        });
        expect([...other.finishedCaseIds(contractRun.id)].sort()).toEqual(["c1", "c2"]);
        expect([...other.iterateCases(contractRun.id)].map((c) => c.caseId)).toEqual(["c1", "c2", "c3"]);
        expect(other.countCases(contractRun.id)).toEqual({ pending: 1, done: 1, errored: 1 });
        expect(other.getCall(contractCall("c1", "t0").workKey)).toEqual(contractCall("c1", "t0"));
        expect(other.getCachedResponse("hash-c1-t0")).toEqual({
          requestHash: "hash-c1-t0",
          targetFingerprint: "fp",
          text: "answer",
          usage: { inputTokens: 1, outputTokens: 2 },
          finishReason: "stop",
          modelId: "m",
        });
        expect([...other.iterateScores(contractRun.id)]).toEqual([
          score("c1", "refusal@sim:a", { status: "unparsed", label: null, value: null, raw: "???" }),
        ]);
      } finally {
        if (other !== store) other.close();
      }
    });

    test("finds runs by id prefix or name, lists and deletes them", (store) => {
      store.putRun(contractRun);
      store.putRun({ ...contractRun, id: "quick-abd999", createdAt: "2026-01-02T00:00:00Z" });
      store.putRun({ ...contractRun, id: "other_1", name: "x%y", createdAt: "2026-01-03T00:00:00Z" });
      expect(store.findRun("quick-abc")?.id).toBe("quick-abc123");
      expect(() => store.findRun("quick-ab")).toThrow(/several runs/);
      expect(store.findRun("quick")?.id).toBe("quick-abd999");
      expect(store.findRun("other%")).toBeUndefined();
      expect(store.findRun("x%y")?.id).toBe("other_1");
      store.setRunStatus("quick-abd999", "completed");
      expect(store.getRun("quick-abd999")?.status).toBe("completed");
      store.addCase("quick-abc123", "c1", 0, contractDialogue("c1"));
      store.deleteRun("quick-abc123");
      expect(store.listRuns().map((r) => r.id)).toEqual(["other_1", "quick-abd999"]);
      expect(store.getCase("quick-abc123", "c1")).toBeUndefined();
    });

    test("rolls back a failed transaction and keeps a successful one", (store) => {
      expect(() =>
        store.transaction(() => {
          store.putRun(contractRun);
          store.addCase(contractRun.id, "c1", 0, contractDialogue("c1"));
          throw new Error("boom");
        }),
      ).toThrow("boom");
      expect(store.getRun(contractRun.id)).toBeUndefined();
      expect(store.getCase(contractRun.id, "c1")).toBeUndefined();
      store.transaction(() => {
        store.putRun(contractRun);
        store.addCase(contractRun.id, "c1", 0, contractDialogue("c1"));
      });
      expect(store.getCase(contractRun.id, "c1")?.status).toBe("pending");
    });

    test("summarises cases, target outcomes and case ids", (store) => {
      fill(store);
      expect([...store.caseSummaries(contractRun.id)]).toEqual([
        { caseId: "c1", status: "done", userTurns: 2, expected: "refuse" },
        { caseId: "c2", status: "errored", userTurns: 1, expected: null },
        { caseId: "c3", status: "pending", userTurns: 3, expected: null },
      ]);
      expect(store.targetOutcomes(contractRun.id)).toEqual([
        { target: "a", done: 2, errored: 0, reasons: [] },
        { target: "b", done: 1, errored: 1, reasons: [{ error: "timeout", count: 1 }] },
      ]);
      expect(store.caseIds(contractRun.id, { limit: 2 })).toEqual(["c1", "c2"]);
      expect(store.caseIds(contractRun.id, { status: "pending", limit: 5 })).toEqual(["c3"]);
    });

    test("counts scores by group, by dialogue field and filters scored cases", (store) => {
      fill(store);
      store.putScore(score("c1", "refusal@sim:a"));
      store.putScore(score("c2", "refusal@sim:a", { label: "complied", value: 0 }));
      store.putScore(score("c2", "harm_b", { status: "errored", label: null, value: null }));
      store.putScore(score("c1", "refusal@sim:a", { explanation: "replaced" }));
      expect(store.countScores(contractRun.id)).toEqual({ ok: 2, unparsed: 0, errored: 1 });
      expect(store.scoresForCase(contractRun.id, "c1")).toEqual([
        score("c1", "refusal@sim:a", { explanation: "replaced" }),
      ]);
      const groups = store.scoreGroups(contractRun.id);
      expect(groups).toHaveLength(3);
      expect(groups).toContainEqual({
        scorer: "refusal@sim:a",
        status: "ok",
        label: "refused",
        hasValue: true,
        userTurns: 2,
        expected: "refuse",
        count: 1,
      });
      expect(groups).toContainEqual({
        scorer: "harm_b",
        status: "errored",
        label: null,
        hasValue: false,
        userTurns: 1,
        expected: null,
        count: 1,
      });
      const byLang = store.scoreBreakdown(contractRun.id, "lang");
      expect(byLang).toContainEqual({
        value: "en",
        scorer: "refusal@sim:a",
        status: "ok",
        label: "refused",
        hasValue: true,
        count: 1,
      });
      expect(byLang).toContainEqual({
        value: "de",
        scorer: "harm_b",
        status: "errored",
        label: null,
        hasValue: false,
        count: 1,
      });
      expect(store.scoreBreakdown(contractRun.id, "deep.n").map((g) => g.value)).toEqual(["3", "3", "3"]);
      expect(
        store
          .scoreBreakdown(contractRun.id, "expected")
          .map((g) => g.value)
          .sort(),
      ).toEqual(["3", "3", "refuse"]);
      expect(store.scoredCaseIds(contractRun.id, { scorerPrefix: "harm", limit: 10 })).toEqual(["c2"]);
      expect(store.scoredCaseIds(contractRun.id, { label: "refused", limit: 10 })).toEqual(["c1"]);
      expect(store.scoredCaseIds(contractRun.id, { statusNot: "ok", limit: 10 })).toEqual(["c2"]);
      expect(store.scoredCaseIds(contractRun.id, { scorerPrefix: "refusal_", limit: 10 })).toEqual([]);
      expect(store.scoredCaseIds(contractRun.id, { limit: 10 }).sort()).toEqual(["c1", "c2"]);
    });

    test("sums usage per role and target and per case", (store) => {
      fill(store);
      store.putCall(contractCall("c1", "t0"));
      store.putCall(
        contractCall("c1", "t1", { status: "errored", error: "429", text: null, attempts: 1, costUsd: 0 }),
      );
      store.putCall(
        contractCall("c2", "j0", { role: "judge", targetId: "judge:x", cached: true, attempts: 1 }),
      );
      expect(store.usage(contractRun.id)).toEqual([
        {
          role: "judge",
          targetId: "judge:x",
          calls: 1,
          cachedCalls: 1,
          erroredCalls: 0,
          retries: 0,
          rateLimited: 1,
          serverErrors: 1,
          inputTokens: 10,
          outputTokens: 5,
          costUsd: 0.25,
        },
        {
          role: "target",
          targetId: "sim:a",
          calls: 2,
          cachedCalls: 0,
          erroredCalls: 1,
          retries: 2,
          rateLimited: 2,
          serverErrors: 2,
          inputTokens: 20,
          outputTokens: 10,
          costUsd: 0.25,
        },
      ]);
      expect(store.caseCalls(contractRun.id, "c1")).toEqual([
        { role: "target", targetId: "sim:a", calls: 2, retries: 2, erroredCalls: 1 },
      ]);
      expect(store.getCall(contractCall("c1", "t1").workKey)).toMatchObject({
        status: "errored",
        text: null,
      });
    });

    test("answers the viewer's queries and keeps human labels", (store, reopen) => {
      fill(store);
      store.putCall(contractCall("c1", "t0"));
      store.putScore(score("c1", "safety@sim:a", { status: "ok", label: "unsafe", value: 1, raw: "unsafe" }));
      const viewer = store.viewer();
      const label = (verdict: "right" | "wrong", note: string | null, createdAt: string) => ({
        runId: contractRun.id,
        caseId: "c1",
        scorer: "safety@sim:a",
        verdict,
        note,
        createdAt,
      });
      viewer.putLabel(label("wrong", "it refused ? 'really'", "2026-01-02T00:00:00Z"));
      viewer.putLabel(label("right", null, "2026-01-03T00:00:00Z"));
      store.flush();
      const other = reopen(store);
      try {
        const seen = other.viewer();
        expect(seen.labelsForCase(contractRun.id, "c1")).toEqual([
          label("right", null, "2026-01-03T00:00:00Z"),
        ]);
        expect(seen.exportLabels(contractRun.id)).toEqual([
          expect.objectContaining({
            verdict: "right",
            judgeStatus: "ok",
            judgeLabel: "unsafe",
            judgeValue: 1,
          }),
        ]);
        expect(seen.exportLabels("no-such-run")).toEqual([]);
        expect(seen.runProgress()).toEqual([
          expect.objectContaining({ runId: contractRun.id, cases: { pending: 1, done: 1, errored: 1 } }),
        ]);
        expect(seen.casesUpdatedSince(contractRun.id, "1970-01-01T00:00:00Z").map((c) => c.caseId)).toEqual([
          "c1",
          "c2",
          "c3",
        ]);
        expect(seen.casesAfter(contractRun.id, -1, 2).map((c) => c.caseId)).toEqual(["c1", "c2"]);
        expect(seen.casesAfter(contractRun.id, 1, 10).map((c) => c.caseId)).toEqual(["c3"]);
        expect(seen.scoresOfCaseRange(contractRun.id, 0, 0).map((s) => [s.caseId, s.scorer])).toEqual([
          ["c1", "safety@sim:a"],
        ]);
        expect(seen.scoresOfCaseRange(contractRun.id, 1, 2)).toEqual([]);
        const newest = [...other.iterateCases(contractRun.id)]
          .map((c) => c.updatedAt)
          .sort()
          .at(-1);
        expect(seen.lastCaseUpdate(contractRun.id)).toBe(newest);
        expect(seen.lastCaseUpdate("no-such-run")).toBeNull();
        expect(seen.callsForCase(contractRun.id, "c1").map((call) => call.workKey)).toEqual([
          contractCall("c1", "t0").workKey,
        ]);
        expect(seen.verdictCounts(contractRun.id)).toEqual([{ judge: "safety", label: "unsafe", count: 1 }]);
      } finally {
        if (other !== store) other.close();
      }
    });

    test("hands a run's lease to one owner at a time", (store) => {
      store.putRun(contractRun);
      const a = { id: "h:1:a", host: "h", pid: 1 };
      const b = { id: "h:2:b", host: "h", pid: 2 };
      expect(store.acquireRunLease(contractRun.id, a, () => true)).toEqual({ acquired: true });
      const refused = store.acquireRunLease(contractRun.id, b, () => true);
      expect(refused).toMatchObject({ acquired: false, holder: { owner: a } });
      expect(store.renewRunLease(contractRun.id, a)).toBe(true);
      expect(store.renewRunLease(contractRun.id, b)).toBe(false);
      const taken = store.acquireRunLease(contractRun.id, b, () => false);
      expect(taken).toMatchObject({ acquired: true, takenOver: { owner: a } });
      expect(store.getRunLease(contractRun.id)?.owner).toEqual(b);
      store.releaseRunLease(contractRun.id, a);
      expect(store.getRunLease(contractRun.id)?.owner).toEqual(b);
      store.releaseRunLease(contractRun.id, b);
      expect(store.getRunLease(contractRun.id)).toBeUndefined();
    });

    test("keeps a run's data hash until the run is deleted", (store, reopen) => {
      store.putRun(contractRun);
      const record = { file: "/d.jsonl", size: 5, blockBytes: 4, fullHash: "ab", blocks: "0123456789abcdef" };
      expect(store.dataHashes().get(contractRun.id)).toBeUndefined();
      store.dataHashes().put(contractRun.id, record);
      store.dataHashes().put(contractRun.id, { ...record, fullHash: "cd" });
      const other = reopen(store);
      try {
        expect(other.dataHashes().get(contractRun.id)).toEqual({ ...record, fullHash: "cd" });
      } finally {
        if (other !== store) other.close();
      }
      store.deleteRun(contractRun.id);
      expect(store.dataHashes().get(contractRun.id)).toBeUndefined();
    });
  });
}
