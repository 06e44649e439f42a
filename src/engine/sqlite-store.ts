import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { StoreError } from "../errors.ts";
import {
  GROUPED_WRITES,
  type GroupedWriteName,
  LOGGED_WRITES,
  PendingWrites,
  type SqlValue,
} from "./pending-writes.ts";
import { type Row, toCall, toCase, toRun, toScore } from "./sqlite-rows.ts";
import { STORE_SCHEMA, STORE_SCHEMA_VERSION } from "./sqlite-schema.ts";
import type {
  CachedResponse,
  CallRecord,
  CaseRecord,
  CaseStatus,
  CaseSummary,
  RunRecord,
  RunStatus,
  ScoreGroup,
  ScoreRecord,
  ScoreStatus,
  Store,
  UsageRow,
} from "./store.ts";
import { orphanedLogs, readLog, WriteLog } from "./write-log.ts";

/** Number of user messages of a stored dialogue, computed inside SQLite. */
const USER_TURNS_SQL =
  "(SELECT COUNT(*) FROM json_each(dialogue, '$.messages') WHERE json_extract(value, '$.role') = 'user')";

/** How a store groups its writes. */
export interface SqliteStoreOptions {
  /**
   * With a value > 0, case, call and score writes are held and applied together in one transaction
   * at this interval (and on flush, close and any read that needs them): several times cheaper per
   * write. Without a write log, a killed process loses that window.
   */
  commitIntervalMs?: number;
  /** Applies the held writes early once there are this many (default 2,000). */
  maxGroupedWrites?: number;
  /**
   * Also appends each model call and answer to a log file beside the store before applying it, so
   * a killed process loses none of them: the next process to open the store replays the log.
   */
  writeLog?: boolean;
}

/** The default store: one SQLite file through Node's built-in `node:sqlite`. */
export class SqliteStore implements Store {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #transactionDepth = 0;
  readonly #commitIntervalMs: number;
  readonly #maxGroupedWrites: number;
  readonly #pending = new PendingWrites();
  #commitTimer: NodeJS.Timeout | undefined;
  #commitError: unknown;
  readonly #log: WriteLog | undefined;
  /** Writes made inside a grouped transaction(), applied when it succeeds. */
  #unit: (() => void)[] | undefined;
  #unitLog: string[] | undefined;
  /** Whether a read transaction is open for the hot-path lookups (see #lookup). */
  #snapshotOpen = false;

  /**
   * Opens (creating if needed) the store at `file`; `:memory:` for a throwaway one.
   * With `commitIntervalMs` > 0, case, call and score writes are grouped and committed at that
   * interval (see SqliteStoreOptions): far cheaper per write, at the price of losing at most that
   * window of work if the process is killed (resume redoes it), unless `writeLog` is on.
   * Logs left by killed processes are replayed here, whatever the options.
   */
  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.file = file;
    this.#commitIntervalMs = options.commitIntervalMs ?? 0;
    this.#maxGroupedWrites = options.maxGroupedWrites ?? 2000;
    try {
      if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      this.#db = new DatabaseSync(file);
      // 16 KiB pages (new stores only): whole dialogues fit in a page instead of spilling into
      // overflow pages, which made every case write several times dearer at 4 KiB.
      // WAL with synchronous=NORMAL survives a killed process (not a power cut) without an fsync per write.
      this.#db.exec(
        "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
      );
      this.#db.exec(STORE_SCHEMA);
    } catch (error) {
      throw new StoreError(`cannot open store ${file}: ${(error as Error).message}`, { cause: error });
    }
    const version = this.#peek("SELECT value FROM meta WHERE key = 'schema_version'")?.value;
    if (version === undefined)
      // Written outside any write batch so that other connections see a complete store at once.
      this.#statement("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(
        String(STORE_SCHEMA_VERSION),
      );
    else if (Number(version) !== STORE_SCHEMA_VERSION)
      throw new StoreError(
        `store ${file} has schema version ${version}; this turnsafe reads ${STORE_SCHEMA_VERSION}`,
      );
    if (file !== ":memory:") {
      this.#replayOrphanedLogs();
      if (options.writeLog && this.#commitIntervalMs > 0) this.#log = new WriteLog(file);
    }
  }

  /** Applies the writes logged by processes that died before committing them. */
  #replayOrphanedLogs(): void {
    for (const logFile of orphanedLogs(this.file)) {
      const writes = readLog(logFile);
      this.#sqliteTransaction(() => {
        writes.forEach(([name, values], index) => {
          const sql = LOGGED_WRITES.has(name) ? GROUPED_WRITES[name as GroupedWriteName] : undefined;
          if (sql === undefined || !Array.isArray(values))
            throw new StoreError(`write log ${logFile}:${index + 1}: unknown write "${name}"`);
          this.#statement(sql).run(...values);
        });
      }, "BEGIN IMMEDIATE");
      rmSync(logFile, { force: true });
    }
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  get #grouped(): boolean {
    return this.#commitIntervalMs > 0;
  }

  /** A run-level write (rare): applied and committed at once, after the writes held before it. */
  #run(sql: string, ...values: SqlValue[]): void {
    if (this.#unit) {
      this.#unit.push(() => this.#run(sql, ...values));
      return;
    }
    this.flush();
    this.#statement(sql).run(...values);
  }

  /**
   * A read on the hot path (a call looked up by work key, an answer by request hash). Grouped, it
   * runs inside a read transaction kept open until the next commit: SQLite then takes its WAL read
   * lock once per group instead of twice per lookup (file-lock system calls, the dearest part of a
   * lookup). Writes by other processes show up at the next commit, at most one interval later.
   */
  #lookup(sql: string, ...values: SqlValue[]): Row | undefined {
    if (this.#grouped && !this.#snapshotOpen && !this.#db.isTransaction) {
      this.#db.exec("BEGIN");
      this.#snapshotOpen = true;
      // The snapshot must not outlive the interval even when nothing is written.
      this.#scheduleCommit();
    }
    return this.#peek(sql, ...values);
  }

  #endSnapshot(): void {
    if (!this.#snapshotOpen) return;
    this.#snapshotOpen = false;
    if (this.#db.isTransaction) this.#db.exec("COMMIT");
  }

  /**
   * A case, call or score write. Grouped, it is held (calls and answers are logged first) and
   * applied with the others; otherwise it is applied at once.
   */
  #write(name: GroupedWriteName, values: SqlValue[], hold: (pending: PendingWrites) => void): void {
    if (!this.#grouped) {
      this.#statement(GROUPED_WRITES[name]).run(...values);
      return;
    }
    this.#throwCommitError();
    if (this.#unit) {
      this.#unit.push(() => hold(this.#pending));
      if (this.#log && LOGGED_WRITES.has(name)) this.#unitLog?.push(logLine(name, values));
      return;
    }
    if (this.#log && LOGGED_WRITES.has(name)) this.#log.append(logLine(name, values));
    hold(this.#pending);
    this.#scheduleCommit();
  }

  #scheduleCommit(): void {
    if (this.#pending.size >= this.#maxGroupedWrites) {
      this.flush();
      return;
    }
    this.#commitTimer ??= setTimeout(() => {
      this.#commitTimer = undefined;
      try {
        this.flush();
      } catch (error) {
        this.#commitError = error;
      }
    }, this.#commitIntervalMs);
  }

  #throwCommitError(): void {
    if (!this.#commitError) return;
    const error = this.#commitError;
    this.#commitError = undefined;
    throw error;
  }

  /** Applies and commits the held writes now (a no-op without commitIntervalMs). */
  flush(): void {
    if (this.#commitTimer) clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    this.#endSnapshot();
    const writes = this.#pending.writes();
    if (writes.length === 0) return;
    this.#sqliteTransaction(() => {
      for (const [name, values] of writes) this.#statement(GROUPED_WRITES[name]).run(...values);
    }, "BEGIN IMMEDIATE");
    this.#pending.clear();
    // Everything logged so far is in SQLite now.
    this.#log?.clear();
  }

  #sqliteTransaction(work: () => void, begin = "BEGIN"): void {
    this.#endSnapshot();
    try {
      this.#db.exec(begin);
    } catch (error) {
      throw new StoreError(`store ${this.file} could not start a write: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      work();
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error instanceof StoreError
        ? error
        : new StoreError(`store ${this.file} could not commit: ${(error as Error).message}`, {
            cause: error,
          });
    }
  }

  /** Other reads see every accepted write (held writes are applied first) and other processes' commits. */
  #read(): void {
    if (this.#unit) return;
    if (this.#pending.size > 0) this.flush();
    else this.#endSnapshot();
  }

  #get(sql: string, ...values: SqlValue[]): Row | undefined {
    this.#read();
    return this.#peek(sql, ...values);
  }

  /** A read of committed rows only (callers check held writes themselves). */
  #peek(sql: string, ...values: SqlValue[]): Row | undefined {
    return this.#statement(sql).get(...values) as Row | undefined;
  }

  #all(sql: string, ...values: SqlValue[]): Row[] {
    this.#read();
    return this.#statement(sql).all(...values) as Row[];
  }

  /** Rows one at a time, from a statement of their own so other queries can run meanwhile. */
  *#iterate(sql: string, ...values: SqlValue[]): Iterable<Row> {
    this.#read();
    yield* this.#db.prepare(sql).iterate(...values) as Iterable<Row>;
  }

  putRun(run: RunRecord): void {
    this.#run(
      `INSERT INTO runs (id, name, recipe, status, config, simulator, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status,
         config = excluded.config, simulator = excluded.simulator, updated_at = excluded.updated_at`,
      run.id,
      run.name,
      run.recipe,
      run.status,
      JSON.stringify(run.config),
      run.simulator ? 1 : 0,
      run.createdAt,
      run.updatedAt,
    );
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.#get("SELECT * FROM runs WHERE id = ?", id);
    return row ? toRun(row) : undefined;
  }

  findRun(idOrName: string): RunRecord | undefined {
    const exact = this.getRun(idOrName);
    if (exact) return exact;
    const byName = this.#get("SELECT * FROM runs WHERE name = ? ORDER BY created_at DESC LIMIT 1", idOrName);
    if (byName) return toRun(byName);
    const byPrefix = this.#all(
      "SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
      `${escapeLike(idOrName)}%`,
    );
    if (byPrefix.length > 1)
      throw new StoreError(`run id prefix "${idOrName}" matches several runs; give more of it`);
    return byPrefix[0] ? toRun(byPrefix[0]) : undefined;
  }

  listRuns(): RunRecord[] {
    return this.#all("SELECT * FROM runs ORDER BY created_at DESC").map(toRun);
  }

  setRunStatus(id: string, status: RunStatus): void {
    this.#run("UPDATE runs SET status = ?, updated_at = ? WHERE id = ?", status, now(), id);
  }

  deleteRun(id: string): void {
    this.flush();
    this.#sqliteTransaction(() => {
      for (const table of ["scores", "calls", "cases", "runs"])
        this.#statement(`DELETE FROM ${table} WHERE ${table === "runs" ? "id" : "run_id"} = ?`).run(id);
    });
  }

  addCase(runId: string, caseId: string, index: number, dialogue: Dialogue): void {
    const values = [runId, caseId, index, JSON.stringify(dialogue), "pending", null, null, now()];
    this.#write("case", values, (pending) => pending.addCase(values));
  }

  getCase(runId: string, caseId: string): CaseRecord | undefined {
    const row = this.#get("SELECT * FROM cases WHERE run_id = ? AND case_id = ?", runId, caseId);
    return row ? toCase(row) : undefined;
  }

  finishedCaseIds(runId: string): Set<string> {
    const ids = new Set<string>();
    for (const row of this.#iterate(
      "SELECT case_id FROM cases WHERE run_id = ? AND status != 'pending'",
      runId,
    ))
      ids.add(row.case_id as string);
    return ids;
  }

  finishCase(
    runId: string,
    caseId: string,
    status: Exclude<CaseStatus, "pending">,
    result: unknown,
    error: string | null,
  ): void {
    const values = [
      status,
      result === undefined ? null : JSON.stringify(result),
      error,
      now(),
      runId,
      caseId,
    ];
    this.#write("finish", values, (pending) => pending.finishCase(values));
  }

  *iterateCases(runId: string): Iterable<CaseRecord> {
    for (const row of this.#iterate("SELECT * FROM cases WHERE run_id = ? ORDER BY idx", runId))
      yield toCase(row);
  }

  *caseSummaries(runId: string): Iterable<CaseSummary> {
    const rows = this.#iterate(
      `SELECT case_id, status,
         ${USER_TURNS_SQL} AS user_turns,
         json_extract(dialogue, '$.labels.expected') AS expected
       FROM cases WHERE run_id = ? ORDER BY idx`,
      runId,
    );
    for (const row of rows)
      yield {
        caseId: row.case_id as string,
        status: row.status as CaseStatus,
        userTurns: Number(row.user_turns),
        expected: typeof row.expected === "string" ? row.expected : null,
      };
  }

  countCases(runId: string): Record<CaseStatus, number> {
    const counts: Record<CaseStatus, number> = { pending: 0, done: 0, errored: 0 };
    for (const row of this.#all(
      "SELECT status, COUNT(*) AS n FROM cases WHERE run_id = ? GROUP BY status",
      runId,
    ))
      counts[row.status as CaseStatus] = Number(row.n);
    return counts;
  }

  getCall(workKey: string): CallRecord | undefined {
    const held = this.#pending.call(workKey);
    if (held) return { ...held };
    // The answer's text lives once, in `responses`; a call row only points at it.
    const row = this.#lookup(
      `SELECT calls.*, COALESCE(calls.text, responses.text) AS text FROM calls
       LEFT JOIN responses ON responses.request_hash = calls.request_hash AND calls.status = 'ok'
       WHERE calls.work_key = ?`,
      workKey,
    );
    return row ? toCall(row) : undefined;
  }

  putCall(call: CallRecord): void {
    const values = [
      call.workKey,
      call.runId,
      call.caseId,
      call.role,
      call.targetId,
      call.requestHash,
      call.status,
      call.cached ? 1 : 0,
      call.attempts,
      call.error,
      // Successful answers are kept in `responses` (see getCall); only failures keep their own text.
      call.status === "ok" ? null : call.text,
      call.usage.inputTokens,
      call.usage.outputTokens,
      call.costUsd,
      call.latencyMs,
      call.createdAt,
    ];
    this.#write("call", values, (pending) => pending.putCall(call, values));
  }

  getCachedResponse(requestHash: string): CachedResponse | undefined {
    const held = this.#pending.response(requestHash);
    if (held) return { ...held };
    const row = this.#lookup("SELECT * FROM responses WHERE request_hash = ?", requestHash);
    if (!row) return undefined;
    return {
      requestHash,
      targetFingerprint: row.target_fingerprint as string,
      text: row.text as string,
      usage: { inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens) },
      finishReason: row.finish_reason as string,
      modelId: row.model_id as string,
    };
  }

  putCachedResponse(response: CachedResponse): void {
    const values = [
      response.requestHash,
      response.targetFingerprint,
      response.text,
      response.usage.inputTokens,
      response.usage.outputTokens,
      response.finishReason,
      response.modelId,
      now(),
    ];
    this.#write("response", values, (pending) => pending.putResponse(response, values));
  }

  putScore(score: ScoreRecord): void {
    const values = [
      score.runId,
      score.caseId,
      score.scorer,
      score.status,
      score.label,
      score.value,
      score.explanation,
      score.raw,
      score.createdAt,
    ];
    this.#write("score", values, (pending) => pending.putScore(values));
  }

  *iterateScores(runId: string): Iterable<ScoreRecord> {
    for (const row of this.#iterate("SELECT * FROM scores WHERE run_id = ? ORDER BY case_id, scorer", runId))
      yield toScore(row);
  }

  scoresForCase(runId: string, caseId: string): ScoreRecord[] {
    return this.#all(
      "SELECT * FROM scores WHERE run_id = ? AND case_id = ? ORDER BY scorer",
      runId,
      caseId,
    ).map(toScore);
  }

  scoreGroups(runId: string): ScoreGroup[] {
    return this.#all(
      `WITH shapes AS (
         SELECT case_id, ${USER_TURNS_SQL} AS user_turns, json_extract(dialogue, '$.labels.expected') AS expected
         FROM cases WHERE run_id = ?)
       SELECT s.scorer, s.status, s.label, s.value IS NOT NULL AS has_value, shapes.user_turns, shapes.expected,
         COUNT(*) AS n
       FROM scores s JOIN shapes ON shapes.case_id = s.case_id
       WHERE s.run_id = ?
       GROUP BY s.scorer, s.status, s.label, has_value, shapes.user_turns, shapes.expected`,
      runId,
      runId,
    ).map((row) => ({
      scorer: row.scorer as string,
      status: row.status as ScoreStatus,
      label: (row.label as string | null) ?? null,
      hasValue: row.has_value === 1,
      userTurns: Number(row.user_turns),
      expected: typeof row.expected === "string" ? row.expected : null,
      count: Number(row.n),
    }));
  }

  caseIds(runId: string, filter: { status?: CaseStatus; limit: number }): string[] {
    const rows = filter.status
      ? this.#all(
          "SELECT case_id FROM cases WHERE run_id = ? AND status = ? ORDER BY idx LIMIT ?",
          runId,
          filter.status,
          filter.limit,
        )
      : this.#all("SELECT case_id FROM cases WHERE run_id = ? ORDER BY idx LIMIT ?", runId, filter.limit);
    return rows.map((row) => row.case_id as string);
  }

  scoredCaseIds(
    runId: string,
    filter: { scorerPrefix?: string; label?: string; statusNot?: ScoreStatus; limit: number },
  ): string[] {
    const rows = this.#all(
      `SELECT DISTINCT case_id FROM scores WHERE run_id = ?
         AND (? IS NULL OR scorer LIKE ? ESCAPE '\\') AND (? IS NULL OR label = ?) AND (? IS NULL OR status != ?)
       LIMIT ?`,
      runId,
      filter.scorerPrefix ?? null,
      `${escapeLike(filter.scorerPrefix ?? "")}%`,
      filter.label ?? null,
      filter.label ?? null,
      filter.statusNot ?? null,
      filter.statusNot ?? null,
      filter.limit,
    );
    return rows.map((row) => row.case_id as string);
  }

  usage(runId: string): UsageRow[] {
    return this.#all(
      `SELECT role, target_id, COUNT(*) AS calls, SUM(cached) AS cached_calls,
         SUM(status = 'errored') AS errored_calls, SUM(input_tokens) AS input_tokens,
         SUM(output_tokens) AS output_tokens, SUM(cost_usd) AS cost_usd
       FROM calls WHERE run_id = ? GROUP BY role, target_id ORDER BY role, target_id`,
      runId,
    ).map((row) => ({
      role: row.role as UsageRow["role"],
      targetId: row.target_id as string,
      calls: Number(row.calls),
      cachedCalls: Number(row.cached_calls),
      erroredCalls: Number(row.errored_calls),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: Number(row.cost_usd),
    }));
  }

  /**
   * Runs several writes atomically. Grouped, the unit's writes are held until it returns and then
   * join the group (a unit that throws leaves none); reads inside it do not see them yet.
   */
  transaction<T>(work: () => T): T {
    if (this.#transactionDepth > 0) return work();
    this.#transactionDepth++;
    try {
      if (!this.#grouped) {
        let result: T | undefined;
        this.#db.exec("BEGIN");
        try {
          result = work();
          this.#db.exec("COMMIT");
        } catch (error) {
          this.#db.exec("ROLLBACK");
          throw error;
        }
        return result;
      }
      const unit: (() => void)[] = [];
      const unitLog: string[] = [];
      this.#unit = unit;
      this.#unitLog = unitLog;
      let result: T;
      try {
        result = work();
      } finally {
        this.#unit = undefined;
        this.#unitLog = undefined;
      }
      // The unit's log lines go out in one write, so a log never holds half of a unit.
      if (unitLog.length > 0) this.#log?.append(unitLog.join(""));
      for (const apply of unit) apply();
      if (unit.length > 0) this.#scheduleCommit();
      return result;
    } finally {
      this.#transactionDepth--;
    }
  }

  close(): void {
    if (!this.#db.isOpen) return;
    this.flush();
    this.#log?.remove();
    this.#db.close();
  }
}

function logLine(name: GroupedWriteName, values: SqlValue[]): string {
  return `${JSON.stringify([name, values])}\n`;
}

function now(): string {
  return new Date().toISOString();
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
