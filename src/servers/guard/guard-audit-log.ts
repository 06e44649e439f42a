import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { StoreError } from "../../errors.ts";

/**
 * One guarded request as audited: verdicts, dimensions, timings and hashes. Never the
 * conversation itself, image bytes or any key.
 */
export interface GuardAuditEntry {
  requestId: string;
  /** ISO time the request arrived. */
  createdAt: string;
  model: string | null;
  stream: boolean;
  /** allowed | blocked-user | blocked-assistant | rejected | upstream-error | cancelled */
  outcome: string;
  moderator: string;
  policy: string;
  upstream: string;
  userRating: string | null;
  userDimension: string | null;
  userRationale: string | null;
  assistantRating: string | null;
  assistantDimension: string | null;
  assistantRationale: string | null;
  /** Moderator failures (the reason a side failed closed or open). */
  moderatorError: string | null;
  failOpen: boolean;
  userLatencyMs: number | null;
  /** Total over every assistant-side check of the request (streams may be checked several times). */
  assistantLatencyMs: number | null;
  assistantChecks: number;
  upstreamLatencyMs: number | null;
  totalLatencyMs: number;
  messageCount: number;
  /** sha256 of the request's images, in order. */
  imageHashes: string[];
  /** sha256 of the request's messages as received, to match audits to client logs. */
  dialogueHash: string;
  error: string | null;
}

/** How long audit rows are kept; 0 turns a limit off. */
export interface AuditRetention {
  /** Rows older than this are deleted (default 30 days). */
  maxAgeMs: number;
  /** Only the newest this many rows are kept (default 1,000,000, about 600 MB). */
  maxRows: number;
  /** How often the limits are applied, after a batch is written (default every minute). */
  pruneEveryMs: number;
}

export const DEFAULT_AUDIT_RETENTION: AuditRetention = {
  maxAgeMs: 30 * 24 * 3600 * 1000,
  maxRows: 1_000_000,
  pruneEveryMs: 60_000,
};

/** Where the guard records its verdicts. */
export interface GuardAuditSink {
  record(entry: GuardAuditEntry): void;
  /** Writes what is buffered. */
  flush(): void;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS guard_audit (
  request_id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  model TEXT,
  stream INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  moderator TEXT NOT NULL,
  policy TEXT NOT NULL,
  upstream TEXT NOT NULL,
  user_rating TEXT,
  user_dimension TEXT,
  user_rationale TEXT,
  assistant_rating TEXT,
  assistant_dimension TEXT,
  assistant_rationale TEXT,
  moderator_error TEXT,
  fail_open INTEGER NOT NULL,
  user_latency_ms REAL,
  assistant_latency_ms REAL,
  assistant_checks INTEGER NOT NULL,
  upstream_latency_ms REAL,
  total_latency_ms REAL NOT NULL,
  message_count INTEGER NOT NULL,
  image_hashes TEXT NOT NULL,
  dialogue_hash TEXT NOT NULL,
  error TEXT
);
CREATE INDEX IF NOT EXISTS guard_audit_by_time ON guard_audit (created_at);
`;

const COLUMNS = [
  "request_id",
  "created_at",
  "model",
  "stream",
  "outcome",
  "moderator",
  "policy",
  "upstream",
  "user_rating",
  "user_dimension",
  "user_rationale",
  "assistant_rating",
  "assistant_dimension",
  "assistant_rationale",
  "moderator_error",
  "fail_open",
  "user_latency_ms",
  "assistant_latency_ms",
  "assistant_checks",
  "upstream_latency_ms",
  "total_latency_ms",
  "message_count",
  "image_hashes",
  "dialogue_hash",
  "error",
];

/**
 * The audit log as a `guard_audit` table in a SQLite file, by default the turnsafe store
 * itself (the table sits beside the run tables and does not touch them). Rows are buffered
 * and written in one transaction every `flushMs`, so no request waits on the disk.
 */
export class SqliteGuardAuditLog implements GuardAuditSink {
  readonly file: string;
  readonly #db: DatabaseSync;
  #insert: StatementSync | undefined;
  readonly #pending: GuardAuditEntry[] = [];
  readonly #flushMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #retention: AuditRetention;
  #lastPrune = Number.NEGATIVE_INFINITY;
  /** Background writes that failed (their rows are lost). */
  failedWrites = 0;

  /**
   * Opens (creating if needed) the table in `file`; `:memory:` for a throwaway one. A failed
   * background write is counted in `failedWrites` and goes to `onError` (the rows are lost,
   * the guard keeps serving).
   */
  constructor(
    file: string,
    options: {
      flushMs?: number;
      onError?: (error: unknown) => void;
      retention?: Partial<AuditRetention>;
    } = {},
  ) {
    this.file = file;
    this.#flushMs = options.flushMs ?? 200;
    this.#retention = { ...DEFAULT_AUDIT_RETENTION, ...options.retention };
    this.#onError = options.onError ?? (() => undefined);
    try {
      if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      this.#db = new DatabaseSync(file);
      this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
      this.#db.exec(SCHEMA);
    } catch (error) {
      throw new StoreError(`cannot open the guard audit log in ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  record(entry: GuardAuditEntry): void {
    if (this.#closed) return;
    this.#pending.push(entry);
    this.#timer ??= setTimeout(() => {
      try {
        this.flush();
      } catch (error) {
        this.failedWrites++;
        this.#onError(error);
      }
    }, this.#flushMs);
    this.#timer.unref?.();
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0 || this.#closed) return;
    const rows = this.#pending.splice(0);
    this.#insert ??= this.#db.prepare(
      `INSERT OR REPLACE INTO guard_audit (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`,
    );
    const insert = this.#insert;
    this.#db.exec("BEGIN");
    try {
      for (const row of rows) insert.run(...toValues(row));
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw new StoreError(`cannot write the guard audit log: ${(error as Error).message}`, { cause: error });
    }
    if (Date.now() - this.#lastPrune >= this.#retention.pruneEveryMs) this.prune();
  }

  /**
   * Deletes rows older than the retention age and the oldest rows beyond the row limit.
   * Both deletes use indexes (time, rowid), so a prune costs little however large the table.
   * Returns the number of rows deleted.
   */
  prune(now = Date.now()): number {
    if (this.#closed) return 0;
    this.#lastPrune = now;
    let deleted = 0;
    const { maxAgeMs, maxRows } = this.#retention;
    if (maxAgeMs > 0) {
      const cutoff = new Date(now - maxAgeMs).toISOString();
      deleted += Number(this.#db.prepare("DELETE FROM guard_audit WHERE created_at < ?").run(cutoff).changes);
    }
    if (maxRows > 0) {
      // Rows are appended, so rowid follows arrival; gaps left by earlier deletes only keep fewer rows.
      const { last } = this.#db.prepare("SELECT max(rowid) AS last FROM guard_audit").get() as {
        last: number | null;
      };
      if (last !== null && last > maxRows)
        deleted += Number(
          this.#db.prepare("DELETE FROM guard_audit WHERE rowid <= ?").run(last - maxRows).changes,
        );
    }
    return deleted;
  }

  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#db.close();
  }

  /** Every row, oldest first (for tests and `turnsafe guard audit`-style readers). */
  rows(): Record<string, unknown>[] {
    this.flush();
    return this.#db.prepare("SELECT * FROM guard_audit ORDER BY created_at, request_id").all() as Record<
      string,
      unknown
    >[];
  }
}

function toValues(entry: GuardAuditEntry): (string | number | null)[] {
  return [
    entry.requestId,
    entry.createdAt,
    entry.model,
    entry.stream ? 1 : 0,
    entry.outcome,
    entry.moderator,
    entry.policy,
    entry.upstream,
    entry.userRating,
    entry.userDimension,
    entry.userRationale,
    entry.assistantRating,
    entry.assistantDimension,
    entry.assistantRationale,
    entry.moderatorError,
    entry.failOpen ? 1 : 0,
    entry.userLatencyMs,
    entry.assistantLatencyMs,
    entry.assistantChecks,
    entry.upstreamLatencyMs,
    entry.totalLatencyMs,
    entry.messageCount,
    JSON.stringify(entry.imageHashes),
    entry.dialogueHash,
    entry.error,
  ];
}
