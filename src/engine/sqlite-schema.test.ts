import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { ADDED_COLUMNS, STORE_SCHEMA } from "./sqlite-schema.ts";
import { SqliteStore } from "./sqlite-store.ts";

/** The schema as released before ADDED_COLUMNS, as an older turnsafe created stores. */
function olderSchema(): string {
  let schema = STORE_SCHEMA;
  for (const [, column, definition] of ADDED_COLUMNS)
    schema = schema.replace(`,\n  ${column} ${definition}`, "");
  return schema;
}

const OLD_CALL = [
  "k-old",
  "run-old",
  "c1",
  "target",
  "t",
  "h-old",
  "errored",
  0,
  3,
  "HTTP 500",
  null,
  0,
  0,
  0,
  12,
  "2026-01-01T00:00:00Z",
];

describe("store schema migration", () => {
  it("opens a store made before the throttling columns, adds them, and keeps its calls", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-schema-")), "old.db");
    const old = new DatabaseSync(file);
    const schema = olderSchema();
    expect(schema).not.toContain("rate_limited");
    old.exec(schema);
    old.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '1')");
    old
      .prepare(
        `INSERT INTO calls (work_key, run_id, case_id, role, target_id, request_hash, status, cached, attempts,
           error, text, input_tokens, output_tokens, cost_usd, latency_ms, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...OLD_CALL);
    old.close();

    const store = new SqliteStore(file);
    expect(store.getCall("k-old")).toMatchObject({ attempts: 3, rateLimited: 0, serverErrors: 0 });
    expect(store.usage("run-old")[0]).toMatchObject({
      calls: 1,
      erroredCalls: 1,
      retries: 2,
      rateLimited: 0,
    });
    const oldCall = store.getCall("k-old");
    if (!oldCall) throw new Error("the old call is gone");
    store.putCall({ ...oldCall, workKey: "k-new", rateLimited: 2, serverErrors: 1 });
    store.close();
    // Opening it again (the columns now exist) changes nothing.
    const again = new SqliteStore(file);
    expect(again.getCall("k-new")).toMatchObject({ rateLimited: 2, serverErrors: 1 });
    expect(again.usage("run-old")[0]).toMatchObject({
      calls: 2,
      retries: 4,
      rateLimited: 2,
      serverErrors: 1,
    });
    again.close();
  });

  it("replays a write log left by an older turnsafe (calls without the new columns)", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-schema-")), "t.db");
    new SqliteStore(file).close();
    // A log of a process that is gone (no such pid), written before the throttling columns.
    writeFileSync(`${file}-turnsafe-log-999999999-abc`, `${JSON.stringify(["call", OLD_CALL])}\n`);
    const store = new SqliteStore(file);
    expect(store.getCall("k-old")).toMatchObject({ attempts: 3, error: "HTTP 500", rateLimited: 0 });
    store.close();
  });
});
