import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { scriptedTarget } from "../testing/test-target.ts";
import { CallExecutor } from "./call-executor.ts";
import { PriceTable } from "./pricing.ts";
import { workKey } from "./request-hash.ts";
import { SqliteStore } from "./sqlite-store.ts";

const request = {
  messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "hello" }] }],
};

function countResponses(file: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return Number((db.prepare("SELECT COUNT(*) AS n FROM responses").get() as { n: number }).n);
  } finally {
    db.close();
  }
}

describe("a run with the cache off", () => {
  it("writes no answer to the cache table, keeps it on the call and still resumes from it", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-no-cache-")), "store.db");
    const target = scriptedTarget(() => "fresh answer");
    const store = new SqliteStore(file, { commitIntervalMs: 1000, writeLog: true });
    const executor = new CallExecutor({ store, runId: "r", prices: new PriceTable(), cache: false });
    await executor.call("case-1", "target", target, request, "turn-1");
    store.close();
    expect(countResponses(file)).toBe(0);

    const reopened = new SqliteStore(file);
    expect(reopened.getCall(workKey("r", "case-1", "target", "turn-1"))?.text).toBe("fresh answer");
    const resumed = new CallExecutor({ store: reopened, runId: "r", prices: new PriceTable(), cache: false });
    const again = await resumed.call("case-1", "target", target, request, "turn-1");
    expect(again).toMatchObject({ text: "fresh answer", finishReason: "resumed" });
    expect(target.calls).toBe(1);
    // A later run with the cache on finds nothing cached from it, and caches its own answer.
    const cachedRun = new CallExecutor({
      store: reopened,
      runId: "r2",
      prices: new PriceTable(),
      cache: true,
    });
    await cachedRun.call("case-1", "target", target, request, "turn-1");
    expect(target.calls).toBe(2);
    reopened.close();
    expect(countResponses(file)).toBe(1);
  });
});
