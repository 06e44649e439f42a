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
  created_at TEXT NOT NULL
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
`;

/**
 * Tables added after version 1, created with `IF NOT EXISTS` when any store is opened (so stores
 * made before them open as they are; the version is unchanged because older readers can ignore
 * them). `leases`: which process is playing a run (see src/engine/run-lease.ts); `owner` is
 * `host:pid:random`, times are ISO strings.
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
`;
