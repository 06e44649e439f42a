import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { StoreError } from "../errors.ts";
import { checkSchema, STORE_ADDED_TABLES, STORE_SCHEMA } from "./sqlite-schema.ts";

/**
 * How long a statement waits for another connection's lock before failing with "database is
 * locked". Long enough to ride out another process's commit of a full group or the recovery of
 * a large write-ahead log left by a killed process.
 */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating if needed) a store's SQLite file, ready to use: busy timeout, WAL, schema.
 *
 * The order matters when several processes open a store at once, above all right after a
 * process was killed: the first to open it recovers the write-ahead log while holding a lock, and
 * any statement another process runs meanwhile fails at once unless its busy timeout is already
 * set. So the timeout is set when the connection is made, before any statement; the journal mode
 * comes after it, and the schema is created in one IMMEDIATE transaction (which waits for the
 * write lock instead of failing half-way).
 */
export function openSqlite(file: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS });
    // 16 KiB pages (new stores only): whole dialogues fit in a page instead of spilling into
    // overflow pages, which made every case write several times dearer at 4 KiB.
    // WAL with synchronous=NORMAL survives a killed process (not a power cut) without an fsync per write.
    db.exec("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    createSchema(db, file);
    return db;
  } catch (error) {
    if (db?.isOpen) db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open store ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Creates missing tables and indexes (every statement is `IF NOT EXISTS`, which is also how new
 * tables reach stores made by older versions), checks the schema version and adds missing columns
 * (ADDED_COLUMNS), all in one write
 * transaction, so other connections see either no store or a complete one.
 */
function createSchema(db: DatabaseSync, file: string): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(STORE_SCHEMA);
    db.exec(STORE_ADDED_TABLES);
    checkSchema(db, file);
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}
