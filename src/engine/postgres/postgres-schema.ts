import { StoreError } from "../../errors.ts";
import { ADDED_COLUMNS, STORE_ADDED_TABLES, STORE_SCHEMA, STORE_SCHEMA_VERSION } from "../sqlite-schema.ts";
import type { PgSyncClient } from "./pg-sync-client.ts";
import { toPostgresDdl, toPostgresSql } from "./postgres-sql.ts";

/** Advisory-lock key under which a process creates or upgrades the schema (any constant will do). */
const SCHEMA_LOCK = 0x7475726e;

/**
 * Creates the store's tables in a PostgreSQL database, or checks and upgrades them: the same
 * schema, version and added columns as the SQLite store (sqlite-schema.ts), so one set of
 * migrations serves both. Done in one transaction under an advisory lock, so processes opening
 * the database at once neither race on CREATE TABLE nor see half a schema.
 */
export function createPostgresSchema(client: PgSyncClient, where: string): void {
  const version = client.batch(
    [
      [toPostgresDdl(`${STORE_SCHEMA}\n${STORE_ADDED_TABLES}`), []],
      ...ADDED_COLUMNS.map(([table, column, definition]): [string, unknown[]] => [
        `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${toPostgresDdl(definition)}`,
        [],
      ]),
      [
        toPostgresSql("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)"),
        [String(STORE_SCHEMA_VERSION)],
      ],
    ],
    SCHEMA_LOCK,
  );
  void version;
  const stored = client.query("SELECT value FROM meta WHERE key = 'schema_version'").rows[0]?.value;
  if (Number(stored) !== STORE_SCHEMA_VERSION)
    throw new StoreError(
      `store ${where} has schema version ${stored}; this turnsafe reads ${STORE_SCHEMA_VERSION}`,
    );
}
