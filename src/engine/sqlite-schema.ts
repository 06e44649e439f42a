import type { DatabaseSync } from "node:sqlite";
import { StoreError } from "../errors.ts";

/** Schema of the embedded SQLite store; bump STORE_SCHEMA_VERSION when it changes. */
export const STORE_SCHEMA_VERSION = 1;

export const STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  recipe TEXT NOT NULL,
  status TEXT NOT NULL,
  config TEXT NOT NULL,
  simulator INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cases (
  run_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  dialogue TEXT NOT NULL,
  status TEXT NOT NULL,
  result TEXT,
  error TEXT,
  updated_at TEXT NOT NULL,
  -- Each target's outcome of the case as JSON: {"<target>": null (done) | "<why it failed>"}.
  targets TEXT,
  PRIMARY KEY (run_id, case_id)
);
CREATE INDEX IF NOT EXISTS cases_by_index ON cases (run_id, idx);
-- Counts by status and "the first n errored cases" without reading whole case rows.
CREATE INDEX IF NOT EXISTS cases_by_status ON cases (run_id, status, idx);
CREATE TABLE IF NOT EXISTS calls (
  work_key TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  role TEXT NOT NULL,
  target_id TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status TEXT NOT NULL,
  cached INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT,
  text TEXT,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  latency_ms REAL NOT NULL,
  created_at TEXT NOT NULL,
  rate_limited INTEGER NOT NULL DEFAULT 0,
  server_errors INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS calls_by_run ON calls (run_id, role, target_id);
CREATE TABLE IF NOT EXISTS responses (
  request_hash TEXT PRIMARY KEY,
  target_fingerprint TEXT NOT NULL,
  text TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  finish_reason TEXT NOT NULL,
  model_id TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS scores (
  run_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  scorer TEXT NOT NULL,
  status TEXT NOT NULL,
  label TEXT,
  value REAL,
  explanation TEXT,
  raw TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, case_id, scorer)
) WITHOUT ROWID;
-- Red-team search nodes (src/benchmarks/redteam/): one row per node, the node as JSON.
CREATE TABLE IF NOT EXISTS search_nodes (
  run_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  node_id INTEGER NOT NULL,
  parent_id INTEGER,
  path TEXT NOT NULL,
  score REAL NOT NULL,
  node TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, case_id, node_id)
);
`;

/**
 * Columns added after a table was first released, as [table, column, definition]. Stores
 * created before them get them on open (ALTER TABLE ADD COLUMN), so existing stores keep
 * opening and older turnsafe versions can still read and write newer stores (the columns have
 * defaults or are nullable). Add new columns here rather than bumping STORE_SCHEMA_VERSION.
 */
export const ADDED_COLUMNS: readonly [table: string, column: string, definition: string][] = [
  // Attempts answered with a 429, and with a 5xx or timeout (throttling counts for reports).
  ["calls", "rate_limited", "INTEGER NOT NULL DEFAULT 0"],
  ["calls", "server_errors", "INTEGER NOT NULL DEFAULT 0"],
  // Each target's outcome of a case (JSON: target -> null or its error).
  ["cases", "targets", "TEXT"],
  // What reports count cases by, kept small so they need not parse every stored dialogue:
  // JSON {userTurns, labels, metadata} (see caseFacts). Rows written before it read the dialogue.
  ["cases", "facts", "TEXT"],
];

/**
 * Checks an opened store's schema version (recording it in a new store) and adds the columns of
 * ADDED_COLUMNS that an older store lacks.
 */
export function checkSchema(db: DatabaseSync, file: string): void {
  const version = (
    db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined
  )?.value;
  if (version === undefined)
    // Written outside any write batch so that other connections see a complete store at once.
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(
      String(STORE_SCHEMA_VERSION),
    );
  else if (Number(version) !== STORE_SCHEMA_VERSION)
    throw new StoreError(
      `store ${file} has schema version ${version}; this turnsafe reads ${STORE_SCHEMA_VERSION}`,
    );
  for (const [table, column, definition] of ADDED_COLUMNS) {
    const has = () =>
      db.prepare(`SELECT 1 FROM pragma_table_info('${table}') WHERE name = ?`).get(column) !== undefined;
    if (has()) continue;
    try {
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    } catch (error) {
      // Another process opening the same store may have added it first.
      if (!has()) throw error;
    }
  }
}

/**
 * Tables added after version 1, created with `IF NOT EXISTS` when any store is opened (so stores
 * made before them open as they are; the version is unchanged because older readers can ignore
 * them). `leases`: which process is playing a run (see src/engine/run-lease.ts); `owner` is
 * `host:pid:random`, times are ISO strings. `search_nodes`: red-team search trees (one row a node).
 * `cases_by_update`: an index of cases by `updated_at` (built when an older store is opened).
 * `human_labels`: a person's judgement (`right` or
 * `wrong`, with a note) of one verdict (score row), written by `turnsafe view --labels`.
 * `data_hashes`: a run's data file hashed block by block as it streamed to its end.
 */
export const STORE_ADDED_TABLES = `
CREATE TABLE IF NOT EXISTS leases (
  run_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
) WITHOUT ROWID;
-- Red-team search nodes (src/benchmarks/redteam/): one row per node, the node as JSON.
CREATE TABLE IF NOT EXISTS search_nodes (
  run_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  node_id INTEGER NOT NULL,
  parent_id INTEGER,
  path TEXT NOT NULL,
  score REAL NOT NULL,
  node TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, case_id, node_id)
);
-- A run's cases by last change: the viewer's "changed since" reads of a running run (and the newest
-- change, where reading a large run in chunks starts watching) without a scan of the run.
CREATE INDEX IF NOT EXISTS cases_by_update ON cases (run_id, updated_at);
CREATE TABLE IF NOT EXISTS human_labels (
  run_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  scorer TEXT NOT NULL,
  verdict TEXT NOT NULL,
  note TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, case_id, scorer)
);
-- A run's data file hashed as it was read to the end (src/engine/data-hash-store.ts).
CREATE TABLE IF NOT EXISTS data_hashes (
  run_id TEXT PRIMARY KEY,
  file TEXT NOT NULL,
  size INTEGER NOT NULL,
  block_bytes INTEGER NOT NULL,
  full_hash TEXT NOT NULL,
  blocks TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;
