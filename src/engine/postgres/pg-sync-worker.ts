import { type MessagePort, workerData } from "node:worker_threads";
import pg from "pg";

/**
 * The worker thread behind PgSyncClient: owns one `pg` connection and answers one request at a
 * time, waking the blocked caller through the shared flag (see pg-sync-client.ts).
 */

/** What the client asks: one statement, or several in one transaction. */
export type PgRequest =
  | { op: "query"; sql: string; values: unknown[] }
  | { op: "batch"; statements: [sql: string, values: unknown[]][]; lockKey?: number }
  | { op: "close" };

export type PgResponse =
  | { ok: true; rows: Record<string, unknown>[]; rowCount: number }
  | { ok: false; message: string; code?: string };

const { url, port, flag } = workerData as { url: string; port: MessagePort; flag: Int32Array };

// Counts and sums come back as numbers, as node:sqlite gives them (all fit a double here).
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

const client = new pg.Client({
  connectionString: url,
  application_name: "turnsafe",
  connectionTimeoutMillis: 15_000,
});
let connected: Promise<unknown> | undefined;
// A dropped connection is reported by the next request (pg rejects it), not as an uncaught error.
client.on("error", () => {});

async function answer(request: PgRequest): Promise<PgResponse> {
  connected ??= client.connect();
  await connected;
  if (request.op === "close") {
    await client.end();
    return { ok: true, rows: [], rowCount: 0 };
  }
  if (request.op === "query") {
    const result = await client.query(request.sql, request.values);
    return { ok: true, rows: result.rows, rowCount: result.rowCount ?? 0 };
  }
  await client.query("BEGIN");
  try {
    if (request.lockKey !== undefined)
      await client.query("SELECT pg_advisory_xact_lock($1)", [request.lockKey]);
    let rowCount = 0;
    for (const [sql, values] of request.statements)
      rowCount += (await client.query(sql, values)).rowCount ?? 0;
    await client.query("COMMIT");
    return { ok: true, rows: [], rowCount };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

port.on("message", (request: PgRequest) => {
  answer(request)
    .catch(
      (error: Error & { code?: string }): PgResponse => ({
        ok: false,
        message: error.message,
        code: error.code,
      }),
    )
    .then((response) => {
      port.postMessage(response);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
});
