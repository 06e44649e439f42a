import path from "node:path";
import type { SqliteStoreOptions } from "./pending-writes.ts";
import { isPostgresUrl, PostgresStore, redactPostgresUrl } from "./postgres/postgres-store.ts";
import { SqliteStore } from "./sqlite-store.ts";
import type { Store } from "./store.ts";

/**
 * The longest a PostgreSQL store holds a write before sending it (in the background): what a
 * SIGKILL can lose, so a killed run re-asks the calls in flight and at most the answers of this
 * window. (SQLite instead logs every call before use and commits each second.)
 */
export const POSTGRES_COMMIT_INTERVAL_MS = 10;

/** A store as commands open it: the Store, and where it is (a file, or a connection string without password). */
export type OpenedStore = Store & { readonly file: string };

export { isPostgresUrl };

/** Where a store is, for messages: a connection string loses its password. */
export function storeLabel(location: string): string {
  return isPostgresUrl(location) ? redactPostgresUrl(location) : location;
}

/**
 * A copy of a run's configuration with every connection string's password hidden (a config may
 * name its PostgreSQL store), so no password reaches the stored run or its reports.
 */
export function withoutStorePasswords(value: unknown): unknown {
  if (typeof value === "string") return storeLabel(value);
  if (Array.isArray(value)) return value.map(withoutStorePasswords);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, withoutStorePasswords(entry)]),
    );
  return value;
}

/**
 * Opens the store at `location`: a `postgres://` (or `postgresql://`) connection string opens the
 * PostgreSQL store, anything else is a SQLite file (`sqlite:` prefix allowed). The options group
 * writes in either (SQLite's write log has no PostgreSQL counterpart: writes are sent as they come).
 */
export function openStore(location: string, options: SqliteStoreOptions = {}): OpenedStore {
  if (isPostgresUrl(location))
    return new PostgresStore(location, {
      ...options,
      commitIntervalMs: Math.min(options.commitIntervalMs ?? 0, POSTGRES_COMMIT_INTERVAL_MS),
    });
  return new SqliteStore(sqliteFile(location), options);
}

/** The file of a SQLite location (`sqlite:` prefix removed). */
export function sqliteFile(location: string): string {
  return location.replace(/^sqlite:(\/\/)?/i, "");
}

/** A store location resolved against `baseDir` (files only: connection strings are kept as given). */
export function resolveStoreLocation(baseDir: string, location: string): string {
  return isPostgresUrl(location) ? location : path.resolve(baseDir, sqliteFile(location));
}
