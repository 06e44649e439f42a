import type { CachedResponse, CallRecord } from "./store.ts";

export type SqlValue = string | number | null;

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

/**
 * The writes a run makes for every case and call, by name (the write log names them too). Each is
 * idempotent, so applying one twice (a log replayed after a crash mid-commit) is harmless. `case`
 * also carries the case's outcome when it finished before its insert was committed; a pending
 * re-insert (resume) leaves an existing row as it is.
 */
export const GROUPED_WRITES = {
  case: `INSERT INTO cases (run_id, case_id, idx, dialogue, status, result, error, updated_at, targets, facts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, case_id) DO UPDATE SET status = excluded.status, result = excluded.result,
         error = excluded.error, updated_at = excluded.updated_at, targets = excluded.targets
       WHERE excluded.status != 'pending'`,
  finish:
    "UPDATE cases SET status = ?, result = ?, error = ?, updated_at = ?, targets = ? WHERE run_id = ? AND case_id = ?",
  // rate_limited and server_errors come last so that logs written before they existed (16
  // values) replay with the defaults (see padLoggedWrite).
  call: `INSERT OR REPLACE INTO calls (work_key, run_id, case_id, role, target_id, request_hash, status, cached,
         attempts, error, text, input_tokens, output_tokens, cost_usd, latency_ms, created_at,
         rate_limited, server_errors)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  response: `INSERT OR REPLACE INTO responses (request_hash, target_fingerprint, text, input_tokens, output_tokens,
         finish_reason, model_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  score: `INSERT OR REPLACE INTO scores (run_id, case_id, scorer, status, label, value, explanation, raw, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
} as const;
export type GroupedWriteName = keyof typeof GROUPED_WRITES;

/** Values of a logged `call` write from before the throttling columns, padded with their defaults. */
export function padLoggedWrite(name: string, values: SqlValue[]): SqlValue[] {
  return name === "call" && values.length === 16 ? [...values, 0, 0] : values;
}
export type GroupedWrite = [name: GroupedWriteName, values: SqlValue[]];

/**
 * The writes that go to the write log: model calls and their answers, the only work that costs
 * money or time to redo. Cases, results and scores are not logged: a resumed run re-reads the
 * case from its source and replays it from the stored calls, which gives them back exactly.
 */
export const LOGGED_WRITES: ReadonlySet<string> = new Set<GroupedWriteName>(["call", "response"]);

/** Index of the status value in a `case` write; result, error, updated_at and targets follow it. */
const CASE_STATUS = 4;

/**
 * Writes accepted but not yet applied to SQLite, in order, with what reads need meanwhile: calls
 * by work key and answers by request hash. A case that finishes before its insert is applied is
 * inserted once with its outcome instead of being inserted and then rewritten.
 */
export class PendingWrites {
  #writes: GroupedWrite[] = [];
  #calls = new Map<string, CallRecord>();
  #responses = new Map<string, CachedResponse>();
  /** The values of pending `case` writes, by run and case id. */
  #cases = new Map<string, SqlValue[]>();

  get size(): number {
    return this.#writes.length;
  }

  addCase(values: SqlValue[]): void {
    const key = caseKey(values[0], values[1]);
    // The first registration of a case wins, as in SQLite (a resume never replaces a dialogue).
    if (this.#cases.has(key)) return;
    this.#cases.set(key, values);
    this.#writes.push(["case", values]);
  }

  /** `values` as for the `finish` write: status, result, error, updated_at, targets, run id, case id. */
  finishCase(values: SqlValue[]): void {
    const insert = this.#cases.get(caseKey(values[5], values[6]));
    if (insert)
      insert.splice(
        CASE_STATUS,
        5,
        values[0] ?? null,
        values[1] ?? null,
        values[2] ?? null,
        values[3] ?? null,
        values[4] ?? null,
      );
    else this.#writes.push(["finish", values]);
  }

  putCall(call: CallRecord, values: SqlValue[]): void {
    this.#calls.set(call.workKey, call);
    this.#writes.push(["call", values]);
  }

  putResponse(response: CachedResponse, values: SqlValue[]): void {
    this.#responses.set(response.requestHash, response);
    this.#writes.push(["response", values]);
  }

  putScore(values: SqlValue[]): void {
    this.#writes.push(["score", values]);
  }

  call(workKey: string): CallRecord | undefined {
    return this.#calls.get(workKey);
  }

  response(requestHash: string): CachedResponse | undefined {
    return this.#responses.get(requestHash);
  }

  /** The writes in order; they stay pending until `clear` (so a failed commit can be retried). */
  writes(): readonly GroupedWrite[] {
    return this.#writes;
  }

  clear(): void {
    this.#writes = [];
    this.#calls.clear();
    this.#responses.clear();
    this.#cases.clear();
  }
}

function caseKey(runId: SqlValue | undefined, caseId: SqlValue | undefined): string {
  return `${runId}\u001f${caseId}`;
}
