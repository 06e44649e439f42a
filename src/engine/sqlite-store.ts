import { rmSync } from "node:fs";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { ScoreStatus } from "../contracts/index.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { StoreError } from "../errors.ts";
import { sqlDataHashStore } from "./data-hash-store.ts";
import { openSqlite } from "./open-sqlite.ts";
import {
  GROUPED_WRITES,
  type GroupedWriteName,
  LOGGED_WRITES,
  PendingWrites,
  padLoggedWrite,
  type SqliteStoreOptions,
  type SqlValue,
} from "./pending-writes.ts";
import { acquireLease, getLease, type LeaseStatements, releaseLease, renewLease } from "./sqlite-leases.ts";
import * as queries from "./sqlite-queries.ts";
import {
  callValues,
  caseValues,
  now,
  PUT_RUN,
  type Row,
  responseValues,
  runValues,
  scoreValues,
  toCachedResponse,
  toCall,
  toCase,
  toRun,
  toScore,
} from "./sqlite-rows.ts";
import { sqliteViewerStore } from "./sqlite-viewer-queries.ts";
import type {
  BreakdownGroup,
  CachedResponse,
  CallRecord,
  CaseCallRow,
  CaseRecord,
  CaseStatus,
  CaseSummary,
  LeaseClaim,
  LeaseOwner,
  RunLease,
  RunRecord,
  RunStatus,
  ScoreGroup,
  ScoreRecord,
  Store,
  TargetOutcomeCount,
  TargetOutcomes,
  UsageRow,
} from "./store.ts";
import { logLine, orphanedLogs, readLog, WriteLog } from "./write-log.ts";

export type { SqliteStoreOptions };

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
  /** The store's multi-row queries, run through its reads. */
  readonly #queries: queries.StoreQueries = {
    get: (sql, ...values) => this.#get(sql, ...values),
    all: (sql, ...values) => this.#all(sql, ...values),
    iterate: (sql, ...values) => this.#iterate(sql, ...values),
  };
  readonly #leaseSql: LeaseStatements = {
    get: (sql, ...values) => this.#peek(sql, ...values),
    run: (sql, ...values) => Number(this.#statement(sql).run(...values).changes),
  };
  /** Whether a read transaction is open for the hot-path lookups (see #lookup). */
  #snapshotOpen = false;

  /**
   * Opens (creating) the store at `file` (`:memory:`: a throwaway one). With `commitIntervalMs` > 0,
   * writes are grouped and committed at that interval (SqliteStoreOptions): far cheaper, losing at
   * most that window if killed (resume redoes it) unless `writeLog` is on. Killed processes' logs
   * are replayed here, whatever the options.
   */
  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.file = file;
    this.#commitIntervalMs = options.commitIntervalMs ?? 0;
    this.#maxGroupedWrites = options.maxGroupedWrites ?? 2000;
    this.#db = openSqlite(file);
    if (file !== ":memory:") {
      this.#replayOrphanedLogs();
      if (options.writeLog && this.#commitIntervalMs > 0) this.#log = new WriteLog(file);
    }
  }

  /** Applies the writes logged by processes that died before committing them. */
  #replayOrphanedLogs(): void {
    for (const logFile of orphanedLogs(this.file)) {
      const writes = readLog(logFile, LOGGED_WRITES);
      this.#sqliteTransaction(() => {
        for (const [name, values] of writes)
          this.#statement(GROUPED_WRITES[name as GroupedWriteName]).run(...padLoggedWrite(name, values));
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
   * A hot-path read (a call by work key, an answer by request hash). Grouped, it runs in a read
   * transaction kept open until the next commit, so SQLite takes its WAL read lock once per group,
   * not twice per lookup (file-lock system calls, the dearest part). Other processes' writes show
   * up at the next commit.
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

  #sqliteTransaction<T>(work: () => T, begin = "BEGIN"): T {
    this.#endSnapshot();
    try {
      this.#db.exec(begin);
    } catch (error) {
      throw new StoreError(`store ${this.file} could not start a write: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      const result = work();
      this.#db.exec("COMMIT");
      return result;
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
    this.#run(PUT_RUN, ...runValues(run));
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.#get("SELECT * FROM runs WHERE id = ?", id);
    return row ? toRun(row) : undefined;
  }

  findRun(idOrName: string): RunRecord | undefined {
    return queries.findRun(this.#queries, idOrName);
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
      for (const table of ["scores", "calls", "cases", "data_hashes", "runs"])
        this.#statement(`DELETE FROM ${table} WHERE ${table === "runs" ? "id" : "run_id"} = ?`).run(id);
    });
  }

  addCase(runId: string, caseId: string, index: number, dialogue: Dialogue): void {
    const values = caseValues(runId, caseId, index, dialogue);
    this.#write("case", values, (pending) => pending.addCase(values));
  }

  getCase(runId: string, caseId: string): CaseRecord | undefined {
    const row = this.#get("SELECT * FROM cases WHERE run_id = ? AND case_id = ?", runId, caseId);
    return row ? toCase(row) : undefined;
  }

  finishedCaseIds(runId: string): Set<string> {
    return queries.finishedCaseIds(this.#queries, runId);
  }

  finishCase(
    runId: string,
    caseId: string,
    status: Exclude<CaseStatus, "pending">,
    result: unknown,
    error: string | null,
    targets?: TargetOutcomes,
  ): void {
    const values = [
      status,
      result === undefined ? null : JSON.stringify(result),
      error,
      now(),
      targets ? JSON.stringify(targets) : null,
      runId,
      caseId,
    ];
    this.#write("finish", values, (pending) => pending.finishCase(values));
  }

  *iterateCases(runId: string): Iterable<CaseRecord> {
    for (const row of this.#iterate("SELECT * FROM cases WHERE run_id = ? ORDER BY idx", runId))
      yield toCase(row);
  }

  caseSummaries(runId: string): Iterable<CaseSummary> {
    return queries.caseSummaries(this.#queries, runId);
  }

  countCases(runId: string): Record<CaseStatus, number> {
    return queries.countCases(this.#queries, runId);
  }

  countScores(runId: string): Record<ScoreStatus, number> {
    return queries.countScores(this.#queries, runId);
  }

  targetOutcomes(runId: string): TargetOutcomeCount[] {
    return queries.targetOutcomes(this.#queries, runId);
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
    const values = callValues(call);
    this.#write("call", values, (pending) => pending.putCall(call, values));
  }

  getCachedResponse(requestHash: string): CachedResponse | undefined {
    const held = this.#pending.response(requestHash);
    if (held) return { ...held };
    const row = this.#lookup("SELECT * FROM responses WHERE request_hash = ?", requestHash);
    return row ? toCachedResponse(row) : undefined;
  }

  putCachedResponse(response: CachedResponse): void {
    const values = responseValues(response, now());
    this.#write("response", values, (pending) => pending.putResponse(response, values));
  }

  putScore(score: ScoreRecord): void {
    const values = scoreValues(score);
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
    return queries.scoreGroups(this.#queries, runId);
  }

  caseIds(runId: string, filter: { status?: CaseStatus; limit: number }): string[] {
    return queries.caseIds(this.#queries, runId, filter);
  }

  scoredCaseIds(
    runId: string,
    filter: { scorerPrefix?: string; label?: string; statusNot?: ScoreStatus; limit: number },
  ): string[] {
    return queries.scoredCaseIds(this.#queries, runId, filter);
  }

  usage(runId: string): UsageRow[] {
    return queries.usage(this.#queries, runId);
  }

  scoreBreakdown(runId: string, key: string): BreakdownGroup[] {
    return queries.scoreBreakdown(this.#queries, runId, key);
  }

  caseCalls(runId: string, caseId: string): CaseCallRow[] {
    return queries.caseCalls(this.#queries, runId, caseId);
  }

  acquireRunLease(runId: string, owner: LeaseOwner, isLive: (lease: RunLease) => boolean): LeaseClaim {
    const claim = this.#writeNow(() => acquireLease(this.#leaseSql, runId, owner, isLive));
    // A holder that died after this store was opened may have left a write log: apply it first.
    if (claim.acquired && this.file !== ":memory:") this.#replayOrphanedLogs();
    return claim;
  }

  renewRunLease(runId: string, owner: LeaseOwner): boolean {
    return this.#writeNow(() => renewLease(this.#leaseSql, runId, owner));
  }

  releaseRunLease(runId: string, owner: LeaseOwner): void {
    this.#writeNow(() => releaseLease(this.#leaseSql, runId, owner));
  }

  getRunLease(runId: string): RunLease | undefined {
    this.#read();
    return getLease(this.#leaseSql, runId);
  }

  readonly viewer = () => sqliteViewerStore(this.#queries, (sql, ...values) => this.#run(sql, ...values));
  readonly dataHashes = () => sqlDataHashStore(this.#queries, (sql, ...values) => this.#run(sql, ...values));
  /** A lease write: committed at once, after the held writes, in a transaction of its own. */
  #writeNow<T>(work: () => T): T {
    this.flush();
    return this.#sqliteTransaction(work, "BEGIN IMMEDIATE");
  }

  /** Runs writes atomically; grouped, they join the group when `work` returns (none if it throws). */
  transaction<T>(work: () => T): T {
    if (this.#transactionDepth > 0) return work();
    this.#transactionDepth++;
    try {
      if (!this.#grouped) {
        this.#db.exec("BEGIN");
        try {
          const result = work();
          this.#db.exec("COMMIT");
          return result;
        } catch (error) {
          this.#db.exec("ROLLBACK");
          throw error;
        }
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
