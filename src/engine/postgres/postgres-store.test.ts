import { spawn } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreError } from "../../errors.ts";
import { startTestPostgresOrReason, type TestPostgres } from "../../testing/embedded-postgres.ts";
import { contractDialogue, contractRun } from "../../testing/store-contract.ts";
import { workerExecArgv } from "./pg-sync-client.ts";
import { toPostgresDdl, toPostgresSql } from "./postgres-sql.ts";
import { PostgresStore, redactPostgresUrl } from "./postgres-store.ts";

describe("SQLite SQL translated for PostgreSQL", () => {
  it("numbers placeholders outside quoted text and turns INSERT OR REPLACE into an upsert on the key", () => {
    expect(toPostgresSql("SELECT '?' AS q, \"a?\" FROM t WHERE a = ? AND b LIKE ? ESCAPE '\\'")).toBe(
      "SELECT '?' AS q, \"a?\" FROM t WHERE a = $1 AND b LIKE $2 ESCAPE '\\'",
    );
    expect(
      toPostgresSql("INSERT OR REPLACE INTO scores (run_id, case_id, scorer, status) VALUES (?, ?, ?, ?)"),
    ).toBe(
      "INSERT INTO scores (run_id, case_id, scorer, status) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id, case_id, scorer) DO UPDATE SET status = EXCLUDED.status",
    );
    expect(toPostgresSql("INSERT OR IGNORE INTO meta (key, value) VALUES ('v', ?)")).toBe(
      "INSERT INTO meta (key, value) VALUES ('v', $1) ON CONFLICT DO NOTHING",
    );
    expect(toPostgresDdl("CREATE TABLE t (a INTEGER, b REAL) WITHOUT ROWID;")).toBe(
      "CREATE TABLE t (a BIGINT, b DOUBLE PRECISION);",
    );
    expect(redactPostgresUrl("postgres://me:s3cret@db:5432/x")).toBe("postgres://me:***@db:5432/x");
  });
});

describe("PostgresStore", () => {
  let postgres: TestPostgres | string;
  beforeAll(async () => {
    postgres = await startTestPostgresOrReason();
    if (typeof postgres === "string") console.warn(postgres);
  });
  afterAll(async () => {
    if (typeof postgres !== "string") await postgres.stop();
  });

  it("reports a background write that failed at the next request instead of dropping it", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const url = await postgres.createDatabase("failing_write");
    const store = new PostgresStore(url, { commitIntervalMs: 20 });
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      await admin.query("ALTER TABLE cases ADD CONSTRAINT no_errors CHECK (status <> 'errored')");
      store.putRun(contractRun);
      store.addCase(contractRun.id, "c1", 0, contractDialogue("c1"));
      store.flush();
      store.finishCase(contractRun.id, "c1", "errored", null, "boom");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(() => store.countCases(contractRun.id)).toThrow(StoreError);
      expect(() => store.countCases(contractRun.id)).not.toThrow();
    } finally {
      await admin.end();
      store.close();
    }
  });

  it("creates the schema once when several processes open a new database at the same moment", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const url = await postgres.createDatabase("open_race");
    const store = new URL("./postgres-store.ts", import.meta.url).href;
    const script = `import { PostgresStore } from ${JSON.stringify(store)};
      const s = new PostgresStore(process.argv[1]); s.listRuns(); s.close();`;
    const open = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", script, url], {
          stdio: ["ignore", "ignore", "pipe"],
          timeout: 30_000,
        });
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("close", (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all(Array.from({ length: 6 }, open));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
  });

  it("finds calls another connection stored before this one first looked (resume)", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const url = await postgres.createDatabase("resume_lookup");
    const first = new PostgresStore(url, { commitIntervalMs: 20 });
    const second = new PostgresStore(url);
    try {
      const call = {
        workKey: `${contractRun.id}\u001fc1\u001ftarget\u001f0`,
        runId: contractRun.id,
        caseId: "c1",
        role: "target" as const,
        targetId: "t",
        requestHash: "abcdef0123456789",
        status: "ok" as const,
        cached: false,
        attempts: 1,
        rateLimited: 0,
        serverErrors: 0,
        error: null,
        text: "stored",
        usage: { inputTokens: 1, outputTokens: 1 },
        costUsd: 0,
        latencyMs: 1,
        createdAt: "2026-01-01T00:00:00Z",
      };
      first.putCall(call);
      first.putCachedResponse({
        requestHash: call.requestHash,
        targetFingerprint: "fp",
        text: "stored",
        usage: { inputTokens: 1, outputTokens: 1 },
        finishReason: "stop",
        modelId: "m",
      });
      first.flush();
      expect(second.getCall(call.workKey)?.text).toBe("stored");
      expect(second.getCall(`${call.workKey}x`)).toBeUndefined();
      expect(second.getCachedResponse(call.requestHash)?.text).toBe("stored");
      expect(second.getCachedResponse("ffffffffffff00")).toBeUndefined();
    } finally {
      first.close();
      second.close();
    }
  });
});

describe("workerExecArgv", () => {
  it("inherits flags unless a script is evaluated, then keeps only module-loading flags", () => {
    expect(workerExecArgv(["--max-semi-space-size=32", "--heap-growing-percent=100"])).toBeUndefined();
    expect(
      workerExecArgv(["--max-semi-space-size=32", "-e", "code()", "--import", "x.js", "--input-type=module"]),
    ).toEqual(["--import", "x.js"]);
  });
});
