import type { ScoreStatus } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { StoreError } from "../../errors.ts";
import { sqlDataHashStore } from "../data-hash-store.ts";
import { GROUPED_WRITES, PendingWrites, type SqliteStoreOptions, type SqlValue } from "../pending-writes.ts";
import { acquireLease, getLease, type LeaseStatements, releaseLease, renewLease } from "../sqlite-leases.ts";
import * as queries from "../sqlite-queries.ts";
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
} from "../sqlite-rows.ts";
import { sqliteViewerStore } from "../sqlite-viewer-queries.ts";
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
} from "../store.ts";
import { PgSyncClient } from "./pg-sync-client.ts";
import * as pgQueries from "./postgres-queries.ts";
import { createPostgresSchema } from "./postgres-schema.ts";
import { toPostgresSql } from "./postgres-sql.ts";

/** True for a `postgres://` or `postgresql://` store location. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The connection string with its password hidden: what messages, reports and `runs` show. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://(unparsable connection string)";
  }
}

/** Characters of a request hash kept per cached answer to skip lookups of answers never cached. */
const HASH_PREFIX = 12;

/** A stable 32-bit advisory-lock key for a run's lease. */
function leaseLockKey(runId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) hash = Math.imul(hash ^ runId.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/**
 * The store in a PostgreSQL database: the same Store, schema and SQL as SqliteStore (translated by
 * postgres-sql.ts), for several processes or machines sharing results. Synchronous like the SQLite
 * store through PgSyncClient. Case, call and score writes are held and sent in one transaction per
 * `commitIntervalMs` (or 2,000 writes, or the next read that needs them); lookups of calls and
 * cached answers see held writes first, then the database.
 */
export class PostgresStore implements Store {
  /** The connection string without its password. */
  readonly file: string;
  readonly #client: PgSyncClient;
  readonly #commitIntervalMs: number;
  readonly #maxGroupedWrites: number;
  readonly #pending = new PendingWrites();
  #commitTimer: NodeJS.Timeout | undefined;
  #commitError: unknown;
  #unit: (() => void)[] | undefined;
  #closed = false;
  /**
   * The work keys of each run's stored calls, loaded at the run's first call lookup and kept up to
   * date by this store's own writes, so a lookup of a call that was never made (most of them)
   * costs no round trip. One process plays a run at a time (the run's lease), so no other process
   * adds calls to it meanwhile.
   */
  readonly #callKeys = new Map<string, Set<string>>();
  /**
   * The first characters of every cached answer's request hash, loaded at the first lookup: a
   * request whose prefix is absent was not cached when the store was opened, nor since by this
   * store, and is answered without a round trip. (An answer cached by another process meanwhile
   * is then missed: a cache miss, never a wrong answer.)
   */
  #responsePrefixes: Set<string> | undefined;
  readonly #queries: queries.StoreQueries = {
    get: (sql, ...values) => this.#all(sql, ...values)[0],
    all: (sql, ...values) => this.#all(sql, ...values),
    iterate: (sql, ...values) => this.#all(sql, ...values),
  };

  constructor(url: string, options: SqliteStoreOptions = {}) {
    this.file = redactPostgresUrl(url);
    this.#commitIntervalMs = options.commitIntervalMs ?? 0;
    this.#maxGroupedWrites = options.maxGroupedWrites ?? 2000;
    this.#client = new PgSyncClient(url, this.file);
    try {
      createPostgresSchema(this.#client, this.file);
    } catch (error) {
      this.#client.close();
      throw error instanceof StoreError
        ? error
        : new StoreError(`cannot open store ${this.file}: ${(error as Error).message}`);
    }
  }

  #peekAll(sql: string, ...values: SqlValue[]): Row[] {
    return this.#client.query(toPostgresSql(sql), values).rows;
  }

  /** A read that sees every accepted write (held writes are sent first). */
  #all(sql: string, ...values: SqlValue[]): Row[] {
    if (!this.#unit) this.#sendPending();
    return this.#peekAll(sql, ...values);
  }

  #get(sql: string, ...values: SqlValue[]): Row | undefined {
    return this.#all(sql, ...values)[0];
  }

  /** A run-level write (rare): sent at once, after the writes held before it. */
  #run(sql: string, ...values: SqlValue[]): void {
    if (this.#unit) {
      this.#unit.push(() => this.#run(sql, ...values));
      return;
    }
    this.#sendPending();
    this.#client.query(toPostgresSql(sql), values);
  }

  #write(hold: (pending: PendingWrites) => void): void {
    if (this.#commitError) {
      const error = this.#commitError;
      this.#commitError = undefined;
      throw error;
    }
    if (this.#unit) {
      this.#unit.push(() => hold(this.#pending));
      return;
    }
    hold(this.#pending);
    this.#scheduleCommit();
  }

  #scheduleCommit(): void {
    if (this.#commitIntervalMs <= 0 || this.#pending.size >= this.#maxGroupedWrites) {
      this.#sendPending();
      return;
    }
    this.#commitTimer ??= setTimeout(() => {
      this.#commitTimer = undefined;
      try {
        this.#sendPending();
      } catch (error) {
        this.#commitError = error;
      }
    }, this.#commitIntervalMs);
  }

  /** The held writes as statements, taken off the pending list. */
  #takePending(): [string, unknown[]][] {
    if (this.#commitTimer) clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    const statements = this.#pending
      .writes()
      .map(([name, values]): [string, unknown[]] => [toPostgresSql(GROUPED_WRITES[name]), values]);
    this.#pending.clear();
    return statements;
  }

  /**
   * Hands the held writes to the connection's thread, which applies them in one transaction in
   * the background: the caller does not wait, and every later request sees them (the thread
   * handles requests in order; a failed write is thrown by the next request that waits).
   */
  #sendPending(): void {
    const statements = this.#takePending();
    if (statements.length > 0) this.#client.write(statements);
  }

  /** Applies the held writes and waits until they (and all sent before) are committed. */
  flush(): void {
    this.#client.batch(this.#takePending());
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
    this.#callKeys.delete(id);
    this.#sendPending();
    this.#client.batch(
      ["scores", "calls", "cases", "leases", "data_hashes", "runs"].map((table) => [
        toPostgresSql(`DELETE FROM ${table} WHERE ${table === "runs" ? "id" : "run_id"} = ?`),
        [id],
      ]),
    );
  }

  addCase(runId: string, caseId: string, index: number, dialogue: Dialogue): void {
    const values = caseValues(runId, caseId, index, dialogue);
    this.#write((pending) => pending.addCase(values));
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
    this.#write((pending) => pending.finishCase(values));
  }

  *iterateCases(runId: string): Iterable<CaseRecord> {
    for (const row of this.#pages("SELECT * FROM cases WHERE run_id = ?", "idx", runId)) yield toCase(row);
  }

  /** A large result a page at a time (keyset on `order`), so a run of any size is never held whole. */
  *#pages(sql: string, order: string, runId: string): Iterable<Row> {
    const page = 500;
    let after: SqlValue = -1;
    for (;;) {
      const rows = this.#all(`${sql} AND ${order} > ? ORDER BY ${order} LIMIT ${page}`, runId, after);
      yield* rows;
      if (rows.length < page) return;
      after = rows[rows.length - 1]?.[order] ?? null;
    }
  }

  caseSummaries(runId: string): Iterable<CaseSummary> {
    return pgQueries.caseSummaries(this.#queries, runId);
  }

  countCases(runId: string): Record<CaseStatus, number> {
    return queries.countCases(this.#queries, runId);
  }

  countScores(runId: string): Record<ScoreStatus, number> {
    return queries.countScores(this.#queries, runId);
  }

  targetOutcomes(runId: string): TargetOutcomeCount[] {
    return pgQueries.targetOutcomes(this.#queries, runId);
  }

  #knownCalls(runId: string): Set<string> {
    let keys = this.#callKeys.get(runId);
    if (!keys) {
      keys = new Set(
        this.#all("SELECT work_key FROM calls WHERE run_id = ?", runId).map((row) => String(row.work_key)),
      );
      this.#callKeys.set(runId, keys);
    }
    return keys;
  }

  /**
   * Distributed workers: loads the work keys of these cases' stored calls (one query), which other
   * processes may have stored, before the cases are played. A run whose keys were not loaded whole
   * then answers lookups from the cases refreshed this way (a worker refreshes every case it plays).
   */
  refreshCaseCalls(runId: string, caseIds: readonly string[]): void {
    let keys = this.#callKeys.get(runId);
    if (!keys) {
      keys = new Set();
      this.#callKeys.set(runId, keys);
    }
    if (caseIds.length === 0) return;
    const sql = `SELECT work_key FROM calls WHERE run_id = ? AND case_id IN (${caseIds.map(() => "?").join(", ")})`;
    for (const row of this.#all(sql, runId, ...caseIds)) keys.add(String(row.work_key));
  }

  getCall(workKey: string): CallRecord | undefined {
    const held = this.#pending.call(workKey);
    if (held) return { ...held };
    const runId = workKey.slice(0, workKey.indexOf("\u001f"));
    if (!this.#knownCalls(runId).has(workKey)) return undefined;
    const row = this.#peekAll(
      `SELECT calls.*, COALESCE(calls.text, responses.text) AS text FROM calls
       LEFT JOIN responses ON responses.request_hash = calls.request_hash AND calls.status = 'ok'
       WHERE calls.work_key = ?`,
      workKey,
    )[0];
    return row ? toCall(row) : undefined;
  }

  putCall(call: CallRecord): void {
    this.#callKeys.get(call.runId)?.add(call.workKey);
    const values = callValues(call);
    this.#write((pending) => pending.putCall(call, values));
  }

  getCachedResponse(requestHash: string): CachedResponse | undefined {
    const held = this.#pending.response(requestHash);
    if (held) return { ...held };
    this.#responsePrefixes ??= new Set(
      this.#all(`SELECT substr(request_hash, 1, ${HASH_PREFIX}) AS p FROM responses`).map((row) =>
        String(row.p),
      ),
    );
    if (!this.#responsePrefixes.has(requestHash.slice(0, HASH_PREFIX))) return undefined;
    const row = this.#peekAll("SELECT * FROM responses WHERE request_hash = ?", requestHash)[0];
    return row ? toCachedResponse(row) : undefined;
  }

  putCachedResponse(response: CachedResponse): void {
    this.#responsePrefixes?.add(response.requestHash.slice(0, HASH_PREFIX));
    const values = responseValues(response, now());
    this.#write((pending) => pending.putResponse(response, values));
  }

  putScore(score: ScoreRecord): void {
    const values = scoreValues(score);
    this.#write((pending) => pending.putScore(values));
  }

  *iterateScores(runId: string): Iterable<ScoreRecord> {
    for (const row of this.#all("SELECT * FROM scores WHERE run_id = ? ORDER BY case_id, scorer", runId))
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
    return pgQueries.scoreGroups(this.#queries, runId);
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
    return pgQueries.scoreBreakdown(this.#queries, runId, key);
  }

  caseCalls(runId: string, caseId: string): CaseCallRow[] {
    return pgQueries.caseCalls(this.#queries, runId, caseId);
  }

  acquireRunLease(runId: string, owner: LeaseOwner, isLive: (lease: RunLease) => boolean): LeaseClaim {
    return this.#leaseTransaction(runId, (sql) => acquireLease(sql, runId, owner, isLive));
  }

  renewRunLease(runId: string, owner: LeaseOwner): boolean {
    return this.#leaseTransaction(runId, (sql) => renewLease(sql, runId, owner));
  }

  releaseRunLease(runId: string, owner: LeaseOwner): void {
    this.#leaseTransaction(runId, (sql) => releaseLease(sql, runId, owner));
  }

  getRunLease(runId: string): RunLease | undefined {
    this.#sendPending();
    return getLease({ get: (sql, ...values) => this.#peekAll(sql, ...values)[0], run: () => 0 }, runId);
  }

  /** A lease read-and-write in a transaction of its own, under the run's advisory lock. */
  #leaseTransaction<T>(runId: string, work: (sql: LeaseStatements) => T): T {
    this.#sendPending();
    const statements: LeaseStatements = {
      get: (sql, ...values) => this.#peekAll(sql, ...values)[0],
      run: (sql, ...values) => this.#client.query(toPostgresSql(sql), values).rowCount,
    };
    this.#client.query("BEGIN");
    try {
      this.#client.query("SELECT pg_advisory_xact_lock($1)", [leaseLockKey(runId)]);
      const result = work(statements);
      this.#client.query("COMMIT");
      return result;
    } catch (error) {
      this.#client.query("ROLLBACK");
      throw error;
    }
  }

  /** Runs several writes atomically: they are held until `work` returns (none if it throws). */
  transaction<T>(work: () => T): T {
    if (this.#unit) return work();
    const unit: (() => void)[] = [];
    this.#unit = unit;
    let result: T;
    try {
      result = work();
    } finally {
      this.#unit = undefined;
    }
    for (const apply of unit) apply();
    if (this.#pending.size > 0) this.#scheduleCommit();
    return result;
  }

  /** The viewer's queries: the SQLite store's, translated like every other statement. */
  readonly viewer = () => sqliteViewerStore(this.#queries, (sql, ...values) => this.#run(sql, ...values));
  readonly dataHashes = () => sqlDataHashStore(this.#queries, (sql, ...values) => this.#run(sql, ...values));

  close(): void {
    if (this.#closed) return;
    try {
      this.flush();
    } finally {
      this.#closed = true;
      this.#client.close();
    }
  }
}
