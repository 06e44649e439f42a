import type { DatabaseSync } from "node:sqlite";
import { InputError } from "../errors.ts";
import { openSqlite } from "./open-sqlite.ts";
import { isPostgresUrl, openStore, sqliteFile, storeLabel } from "./open-store.ts";
import type { SqlValue } from "./pending-writes.ts";
import { PgSyncClient } from "./postgres/pg-sync-client.ts";
import { createPostgresSchema } from "./postgres/postgres-schema.ts";
import { PRIMARY_KEYS, toPostgresSql } from "./postgres/postgres-sql.ts";
import type { Row } from "./sqlite-rows.ts";

/**
 * The tables a migration copies, parents first (leases are per process and are not copied; a
 * run's data hash comes along, so the migrated run still checks its data as it streams).
 */
const TABLES = ["runs", "cases", "calls", "responses", "scores", "data_hashes"] as const;
const PAGE = 1000;

/** Raw rows of a store's tables, whichever database holds them. */
interface Tables {
  all(sql: string, values: SqlValue[]): Row[];
  /** Inserts rows, leaving rows whose key is already there as they are; in one transaction. */
  insert(table: string, rows: Row[]): void;
  close(): void;
}

function insertSql(table: string, columns: string[]): string {
  return `INSERT OR IGNORE INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
}

function sqliteTables(db: DatabaseSync): Tables {
  return {
    all: (sql, values) => db.prepare(sql).all(...values) as Row[],
    insert(table, rows) {
      const columns = Object.keys(rows[0] ?? {});
      const statement = db.prepare(insertSql(table, columns));
      db.exec("BEGIN IMMEDIATE");
      try {
        for (const row of rows) statement.run(...columns.map((column) => row[column] ?? null));
        db.exec("COMMIT");
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    },
    close: () => db.close(),
  };
}

function postgresTables(client: PgSyncClient): Tables {
  return {
    all: (sql, values) => client.query(toPostgresSql(sql), values).rows,
    insert(table, rows) {
      const columns = Object.keys(rows[0] ?? {});
      const sql = toPostgresSql(insertSql(table, columns));
      client.batch(rows.map((row) => [sql, columns.map((column) => row[column] ?? null)]));
    },
    close: () => client.close(),
  };
}

function openTables(location: string): Tables {
  if (isPostgresUrl(location)) {
    const client = new PgSyncClient(location, storeLabel(location));
    try {
      createPostgresSchema(client, storeLabel(location));
    } catch (error) {
      client.close();
      throw error;
    }
    return postgresTables(client);
  }
  // Opening it as a store first applies any write log a killed process left beside the file.
  openStore(location).close();
  return sqliteTables(openSqlite(sqliteFile(location)));
}

/** Which rows of a table belong to the chosen runs. */
function selection(table: (typeof TABLES)[number]): string {
  if (table === "runs") return "id = ?";
  if (table === "responses") return "request_hash IN (SELECT request_hash FROM calls WHERE run_id = ?)";
  return "run_id = ?";
}

export interface MigrationOutcome {
  runs: string[];
  /** Rows read per table (rows already in the destination are left as they are). */
  rows: Record<string, number>;
}

/**
 * Copies runs (all, or those named by id, id prefix or name) with their cases, calls, cached
 * answers and scores from one store to another: SQLite to PostgreSQL or back, or between two of a
 * kind. Rows the destination already has are kept, so a migration can be rerun (e.g. after an
 * interruption) and merges stores. Each page of rows is copied in one transaction.
 */
export function migrateStore(from: string, to: string, runs: string[] = []): MigrationOutcome {
  if (from === to) throw new InputError("--from and --to name the same store", "--to");
  const source = openStore(from);
  let ids: string[];
  try {
    ids = runs.length
      ? runs.map((name) => {
          const run = source.findRun(name);
          if (!run) throw new InputError(`no run "${name}" in ${source.file}`, "--run");
          return run.id;
        })
      : source.listRuns().map((run) => run.id);
  } finally {
    source.close();
  }
  const reader = openTables(from);
  const rows: Record<string, number> = {};
  try {
    const writer = openTables(to);
    try {
      for (const table of TABLES) {
        const order = (PRIMARY_KEYS.get(table) ?? []).join(", ");
        rows[table] = 0;
        for (const id of ids)
          for (let offset = 0; ; offset += PAGE) {
            const page = reader.all(
              `SELECT * FROM ${table} WHERE ${selection(table)} ORDER BY ${order} LIMIT ${PAGE} OFFSET ${offset}`,
              [id],
            );
            if (page.length > 0) writer.insert(table, page);
            rows[table] += page.length;
            if (page.length < PAGE) break;
          }
      }
    } finally {
      writer.close();
    }
  } finally {
    reader.close();
  }
  return { runs: ids, rows };
}
