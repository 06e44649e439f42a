import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { StoreError } from "../errors.ts";
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

/** Number of user messages of a stored dialogue, computed inside SQLite. */
const USER_TURNS_SQL =
  "(SELECT COUNT(*) FROM json_each(dialogue, '$.messages') WHERE json_extract(value, '$.role') = 'user')";

/** The default store: one SQLite file through Node's built-in `node:sqlite`. */
export class SqliteStore implements Store {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #transactionDepth = 0;
  readonly #commitIntervalMs: number;
  #batchOpen = false;
  #commitTimer: NodeJS.Timeout | undefined;
  #commitError: unknown;

  /**
   * Opens (creating if needed) the store at `file`; `:memory:` for a throwaway one.
   * With `commitIntervalMs` > 0, writes are grouped into one transaction committed at that
   * interval (and on flush/close): far cheaper per write, at the price of losing at most that
   * window of work if the process is killed (resume redoes it).
   */
  constructor(file: string, options: { commitIntervalMs?: number } = {}) {
    this.file = file;
    this.#commitIntervalMs = options.commitIntervalMs ?? 0;
    try {
      if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      this.#db = new DatabaseSync(file);
      // WAL with synchronous=NORMAL survives a killed process (not a power cut) without an fsync per write.
      this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
      this.#db.exec(STORE_SCHEMA);
    } catch (error) {
      throw new StoreError(`cannot open store ${file}: ${(error as Error).message}`, { cause: error });
    }
    const version = this.#get("SELECT value FROM meta WHERE key = 'schema_version'")?.value;
    if (version === undefined)
      // Written outside any write batch so that other connections see a complete store at once.
      this.#statement("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(
        String(STORE_SCHEMA_VERSION),
      );
    else if (Number(version) !== STORE_SCHEMA_VERSION)
      throw new StoreError(
        `store ${file} has schema version ${version}; this turnsafe reads ${STORE_SCHEMA_VERSION}`,
      );
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run(sql: string, ...values: (string | number | null)[]): void {
    if (this.#commitIntervalMs > 0) this.#openBatch();
    this.#statement(sql).run(...values);
  }

  #openBatch(): void {
    if (this.#commitError) {
      const error = this.#commitError;
      this.#commitError = undefined;
      throw new StoreError(`store ${this.file} could not commit: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (this.#batchOpen) return;
    this.#db.exec("BEGIN");
    this.#batchOpen = true;
    this.#commitTimer = setTimeout(() => {
      try {
        this.flush();
      } catch (error) {
        this.#commitError = error;
      }
    }, this.#commitIntervalMs);
  }

  /** Commits grouped writes now (a no-op without commitIntervalMs). */
  flush(): void {
    if (this.#commitTimer) clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    if (!this.#batchOpen) return;
    this.#batchOpen = false;
    this.#db.exec("COMMIT");
  }

  #get(sql: string, ...values: (string | number | null)[]): Row | undefined {
    return this.#statement(sql).get(...values) as Row | undefined;
  }

  #all(sql: string, ...values: (string | number | null)[]): Row[] {
    return this.#statement(sql).all(...values) as Row[];
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
    this.transaction(() => {
      for (const table of ["scores", "calls", "cases", "runs"])
        this.#run(`DELETE FROM ${table} WHERE ${table === "runs" ? "id" : "run_id"} = ?`, id);
    });
  }

  addCase(runId: string, caseId: string, index: number, dialogue: Dialogue): void {
    this.#run(
      `INSERT INTO cases (run_id, case_id, idx, dialogue, status, updated_at) VALUES (?, ?, ?, ?, 'pending', ?)
       ON CONFLICT DO NOTHING`,
      runId,
      caseId,
      index,
      JSON.stringify(dialogue),
      now(),
    );
  }

  getCase(runId: string, caseId: string): CaseRecord | undefined {
    const row = this.#get("SELECT * FROM cases WHERE run_id = ? AND case_id = ?", runId, caseId);
    return row ? toCase(row) : undefined;
  }

  finishedCaseIds(runId: string): Set<string> {
    const ids = new Set<string>();
    for (const row of this.#statement(
      "SELECT case_id FROM cases WHERE run_id = ? AND status != 'pending'",
    ).iterate(runId))
      ids.add((row as Row).case_id as string);
    return ids;
  }

  finishCase(
    runId: string,
    caseId: string,
    status: Exclude<CaseStatus, "pending">,
    result: unknown,
    error: string | null,
  ): void {
    this.#run(
      "UPDATE cases SET status = ?, result = ?, error = ?, updated_at = ? WHERE run_id = ? AND case_id = ?",
      status,
      result === undefined ? null : JSON.stringify(result),
      error,
      now(),
      runId,
      caseId,
    );
  }

  *iterateCases(runId: string): Iterable<CaseRecord> {
    // A separate statement per iteration so nested queries can run while iterating.
    const statement = this.#db.prepare("SELECT * FROM cases WHERE run_id = ? ORDER BY idx");
    for (const row of statement.iterate(runId)) yield toCase(row as Row);
  }

  *caseSummaries(runId: string): Iterable<CaseSummary> {
    const statement = this.#db.prepare(
      `SELECT case_id, status,
         ${USER_TURNS_SQL} AS user_turns,
         json_extract(dialogue, '$.labels.expected') AS expected
       FROM cases WHERE run_id = ? ORDER BY idx`,
    );
    for (const row of statement.iterate(runId) as Iterable<Row>)
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
    // The answer's text lives once, in `responses`; a call row only points at it.
    const row = this.#get(
      `SELECT calls.*, COALESCE(calls.text, responses.text) AS text FROM calls
       LEFT JOIN responses ON responses.request_hash = calls.request_hash AND calls.status = 'ok'
       WHERE calls.work_key = ?`,
      workKey,
    );
    return row ? toCall(row) : undefined;
  }

  putCall(call: CallRecord): void {
    this.#run(
      `INSERT OR REPLACE INTO calls (work_key, run_id, case_id, role, target_id, request_hash, status, cached, attempts,
         error, text, input_tokens, output_tokens, cost_usd, latency_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    );
  }

  getCachedResponse(requestHash: string): CachedResponse | undefined {
    const row = this.#get("SELECT * FROM responses WHERE request_hash = ?", requestHash);
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
    this.#run(
      `INSERT OR REPLACE INTO responses (request_hash, target_fingerprint, text, input_tokens, output_tokens,
         finish_reason, model_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      response.requestHash,
      response.targetFingerprint,
      response.text,
      response.usage.inputTokens,
      response.usage.outputTokens,
      response.finishReason,
      response.modelId,
      now(),
    );
  }

  putScore(score: ScoreRecord): void {
    this.#run(
      `INSERT OR REPLACE INTO scores (run_id, case_id, scorer, status, label, value, explanation, raw, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      score.runId,
      score.caseId,
      score.scorer,
      score.status,
      score.label,
      score.value,
      score.explanation,
      score.raw,
      score.createdAt,
    );
  }

  *iterateScores(runId: string): Iterable<ScoreRecord> {
    const statement = this.#db.prepare("SELECT * FROM scores WHERE run_id = ? ORDER BY case_id, scorer");
    for (const row of statement.iterate(runId)) yield toScore(row as Row);
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

  transaction<T>(work: () => T): T {
    if (this.#transactionDepth > 0) return work();
    if (this.#commitIntervalMs > 0) this.#openBatch();
    // Inside a write batch a savepoint gives the same all-or-nothing for this unit of work.
    const [begin, commit, rollback] = this.#batchOpen
      ? ["SAVEPOINT unit", "RELEASE unit", "ROLLBACK TO unit; RELEASE unit"]
      : ["BEGIN", "COMMIT", "ROLLBACK"];
    this.#db.exec(begin);
    this.#transactionDepth++;
    try {
      const result = work();
      this.#db.exec(commit);
      return result;
    } catch (error) {
      this.#db.exec(rollback);
      throw error;
    } finally {
      this.#transactionDepth--;
    }
  }

  close(): void {
    if (!this.#db.isOpen) return;
    this.flush();
    this.#db.close();
  }
}

function now(): string {
  return new Date().toISOString();
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
