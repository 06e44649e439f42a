import { type MessagePort, workerData } from "node:worker_threads";
import pg from "pg";

/**
 * The worker thread behind PgSyncClient: owns one `pg` connection and handles requests strictly in
 * the order they were posted. `write` requests get no answer (the caller does not wait for them):
 * consecutive ones are applied together in one transaction, and a failure is reported with the
 * answer to the next request that has one. Answers wake the blocked caller through the shared flag.
 */

/** What the client asks: one statement, several in one transaction, writes in the background. */
export type PgRequest =
  | { op: "query"; sql: string; values: unknown[] }
  | { op: "batch"; statements: [sql: string, values: unknown[]][]; lockKey?: number }
  | { op: "write"; statements: [sql: string, values: unknown[]][] }
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

/** The first background write that failed, reported to the next answered request. */
let writeError: (Error & { code?: string }) | undefined;
const queue: PgRequest[] = [];
let pumping = false;

async function inTransaction(statements: [string, unknown[]][], lockKey?: number): Promise<number> {
  await client.query("BEGIN");
  try {
    if (lockKey !== undefined) await client.query("SELECT pg_advisory_xact_lock($1)", [lockKey]);
    let rowCount = 0;
    for (const [sql, values] of statements) rowCount += (await client.query(sql, values)).rowCount ?? 0;
    await client.query("COMMIT");
    return rowCount;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** A value as an SQL literal (the store's values are text, numbers and nulls). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NULL";
  // With standard_conforming_strings on (set at connect), only quotes need doubling: a native
  // replace instead of pg's character loop, which cost more than the rest of a write.
  return `'${String(value).replaceAll("'", "''")}'`;
}

/**
 * Background writes as one simple query (literals inlined, statements joined): one round trip
 * and one parse on this side per batch instead of one per statement, which made PostgreSQL cost
 * several times SQLite's CPU per call. The statements are the store's own, with `$n` placeholders.
 */
async function writeAll(statements: [string, unknown[]][]): Promise<void> {
  const text = statements.map(([sql, values]) =>
    sql.replace(/\$(\d+)/g, (_, n: string) => literal(values[Number(n) - 1])),
  );
  await client.query(`BEGIN;\n${text.join(";\n")};\nCOMMIT`).catch(async (error: Error) => {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  });
}

async function answer(request: Exclude<PgRequest, { op: "write" }>): Promise<PgResponse> {
  if (request.op === "close") {
    await client.end();
    return { ok: true, rows: [], rowCount: 0 };
  }
  if (request.op === "query") {
    const result = await client.query(request.sql, request.values);
    return { ok: true, rows: result.rows, rowCount: result.rowCount ?? 0 };
  }
  return { ok: true, rows: [], rowCount: await inTransaction(request.statements, request.lockKey) };
}

function reply(response: PgResponse): void {
  port.postMessage(response);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

async function pump(): Promise<void> {
  pumping = true;
  try {
    connected ??= client.connect().then(() => client.query("SET standard_conforming_strings = on"));
    const connectError = await connected.then(
      () => undefined,
      (error: Error & { code?: string }) => error,
    );
    while (queue.length > 0) {
      const request = queue.shift() as PgRequest;
      if (request.op === "write") {
        // Every write already queued behind this one goes in the same transaction.
        const statements = [...request.statements];
        while (queue[0]?.op === "write")
          statements.push(...(queue.shift() as { statements: [string, unknown[]][] }).statements);
        if (!writeError && !connectError)
          await writeAll(statements).catch((error: Error) => (writeError = error));
        continue;
      }
      if (connectError) {
        reply({ ok: false, message: `cannot connect: ${connectError.message}`, code: connectError.code });
        continue;
      }
      if (writeError) {
        const { message, code } = writeError;
        writeError = undefined;
        reply({ ok: false, message: `a write failed: ${message}`, code });
        continue;
      }
      reply(
        await answer(request).catch((error: Error & { code?: string }) => ({
          ok: false as const,
          message: error.message,
          code: error.code,
        })),
      );
    }
  } finally {
    pumping = false;
  }
}

port.on("message", (request: PgRequest) => {
  queue.push(request);
  if (!pumping) void pump();
});
