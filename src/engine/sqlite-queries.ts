import type { ScoreStatus } from "../contracts/index.ts";
import { StoreError } from "../errors.ts";
import { type Row, toRun } from "./sqlite-rows.ts";
import type {
  BreakdownGroup,
  CaseCallRow,
  CaseStatus,
  CaseSummary,
  RunRecord,
  ScoreGroup,
  TargetOutcomeCount,
  UsageRow,
} from "./store.ts";

/** How the queries read: through the store, which applies its held writes first. */
export interface StoreQueries {
  get(sql: string, ...values: (string | number | null)[]): Row | undefined;
  all(sql: string, ...values: (string | number | null)[]): Row[];
  iterate(sql: string, ...values: (string | number | null)[]): Iterable<Row>;
}

/**
 * Number of user messages of a stored case: from its small `facts` (see caseFacts), or counted in
 * the stored dialogue for rows written before `facts` existed (COALESCE stops at the first value).
 */
const USER_TURNS_SQL =
  "COALESCE(json_extract(facts, '$.userTurns'), (SELECT COUNT(*) FROM json_each(dialogue, '$.messages') WHERE json_extract(value, '$.role') = 'user'))";
/** A case's labels and metadata: in `facts` at the same paths as in the dialogue, which older rows read. */
const FACTS_SQL = "COALESCE(facts, dialogue)";

export function* caseSummaries(query: StoreQueries, runId: string): Iterable<CaseSummary> {
  const rows = query.iterate(
    `SELECT case_id, status,
         ${USER_TURNS_SQL} AS user_turns,
         json_extract(${FACTS_SQL}, '$.labels.expected') AS expected
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

export function countCases(query: StoreQueries, runId: string): Record<CaseStatus, number> {
  const counts: Record<CaseStatus, number> = { pending: 0, done: 0, errored: 0 };
  for (const row of query.all(
    "SELECT status, COUNT(*) AS n FROM cases WHERE run_id = ? GROUP BY status",
    runId,
  ))
    counts[row.status as CaseStatus] = Number(row.n);
  return counts;
}

export function countScores(query: StoreQueries, runId: string): Record<ScoreStatus, number> {
  const counts: Record<ScoreStatus, number> = { ok: 0, unparsed: 0, errored: 0 };
  for (const row of query.all(
    "SELECT status, COUNT(*) AS n FROM scores WHERE run_id = ? GROUP BY status",
    runId,
  ))
    counts[row.status as ScoreStatus] = Number(row.n);
  return counts;
}

/** Reasons kept per target in targetOutcomes. */
const REASONS_PER_TARGET = 3;

/** Each target's done and errored cases (from the `targets` column), with its top failure reasons. */
export function targetOutcomes(query: StoreQueries, runId: string): TargetOutcomeCount[] {
  return foldTargetOutcomes(
    query.all(
      `SELECT t.key AS target, t.value AS error, COUNT(*) AS n
         FROM cases c, json_each(c.targets) t
         WHERE c.run_id = ? AND c.status != 'pending' AND c.targets IS NOT NULL
         GROUP BY t.key, t.value ORDER BY n DESC, t.key, t.value`,
      runId,
    ),
  );
}

/** Rows of (target, error or null, count), most frequent first, as each target's outcome count. */
export function foldTargetOutcomes(rows: Iterable<Row>): TargetOutcomeCount[] {
  const byTarget = new Map<string, TargetOutcomeCount>();
  for (const row of rows) {
    const target = String(row.target);
    let entry = byTarget.get(target);
    if (!entry) {
      entry = { target, done: 0, errored: 0, reasons: [] };
      byTarget.set(target, entry);
    }
    const count = Number(row.n);
    if (row.error === null) entry.done += count;
    else {
      entry.errored += count;
      if (entry.reasons.length < REASONS_PER_TARGET) entry.reasons.push({ error: String(row.error), count });
    }
  }
  return [...byTarget.values()].sort((a, b) => a.target.localeCompare(b.target));
}

export function scoreGroups(query: StoreQueries, runId: string): ScoreGroup[] {
  return query
    .all(
      `WITH shapes AS (
         SELECT case_id, ${USER_TURNS_SQL} AS user_turns, json_extract(${FACTS_SQL}, '$.labels.expected') AS expected
         FROM cases WHERE run_id = ?)
       SELECT s.scorer, s.status, s.label, s.value IS NOT NULL AS has_value, shapes.user_turns, shapes.expected,
         COUNT(*) AS n
       FROM scores s JOIN shapes ON shapes.case_id = s.case_id
       WHERE s.run_id = ?
       GROUP BY s.scorer, s.status, s.label, has_value, shapes.user_turns, shapes.expected`,
      runId,
      runId,
    )
    .map(toScoreGroup);
}

/** A score-group row (SQLite gives `has_value` as 0/1, PostgreSQL as a boolean). */
export function toScoreGroup(row: Row): ScoreGroup {
  return {
    scorer: row.scorer as string,
    status: row.status as ScoreStatus,
    label: (row.label as string | null) ?? null,
    hasValue: row.has_value === 1 || (row.has_value as unknown) === true,
    userTurns: Number(row.user_turns),
    expected: typeof row.expected === "string" ? row.expected : null,
    count: Number(row.n),
  };
}

/**
 * Scores counted by scorer, status and label for each value of a dialogue field: `key` is read
 * from `metadata` and, where absent there, from `labels` (a dotted key reads a nested field).
 */
export function scoreBreakdown(query: StoreQueries, runId: string, key: string): BreakdownGroup[] {
  const field = key
    .split(".")
    .map((segment) => `"${segment}"`)
    .join(".");
  return query
    .all(
      `WITH keyed AS (
         SELECT case_id, COALESCE(json_extract(${FACTS_SQL}, ?), json_extract(${FACTS_SQL}, ?)) AS value
         FROM cases WHERE run_id = ?)
       SELECT keyed.value, s.scorer, s.status, s.label, s.value IS NOT NULL AS has_value, COUNT(*) AS n
       FROM scores s JOIN keyed ON keyed.case_id = s.case_id
       WHERE s.run_id = ?
       GROUP BY keyed.value, s.scorer, s.status, s.label, has_value`,
      `$.metadata.${field}`,
      `$.labels.${field}`,
      runId,
      runId,
    )
    .map(toBreakdownGroup);
}

/** A breakdown row (`has_value` as in toScoreGroup). */
export function toBreakdownGroup(row: Row): BreakdownGroup {
  return {
    value: row.value === null || row.value === undefined ? null : String(row.value),
    scorer: row.scorer as string,
    status: row.status as ScoreStatus,
    label: (row.label as string | null) ?? null,
    hasValue: row.has_value === 1 || (row.has_value as unknown) === true,
    count: Number(row.n),
  };
}

export function caseIds(
  query: StoreQueries,
  runId: string,
  filter: { status?: CaseStatus; limit: number },
): string[] {
  const rows = filter.status
    ? query.all(
        "SELECT case_id FROM cases WHERE run_id = ? AND status = ? ORDER BY idx LIMIT ?",
        runId,
        filter.status,
        filter.limit,
      )
    : query.all("SELECT case_id FROM cases WHERE run_id = ? ORDER BY idx LIMIT ?", runId, filter.limit);
  return rows.map((row) => row.case_id as string);
}

export function scoredCaseIds(
  query: StoreQueries,
  runId: string,
  filter: { scorerPrefix?: string; label?: string; statusNot?: ScoreStatus; limit: number },
): string[] {
  const rows = query.all(
    `SELECT DISTINCT case_id FROM scores WHERE run_id = ?
         AND (CAST(? AS TEXT) IS NULL OR scorer LIKE ? ESCAPE '\\') AND (CAST(? AS TEXT) IS NULL OR label = ?)
         AND (CAST(? AS TEXT) IS NULL OR status != ?)
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

export function usage(query: StoreQueries, runId: string): UsageRow[] {
  return query
    .all(
      `SELECT role, target_id, COUNT(*) AS calls, SUM(cached) AS cached_calls,
         SUM(CASE WHEN status = 'errored' THEN 1 ELSE 0 END) AS errored_calls,
         SUM(CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END) AS retries,
         SUM(rate_limited) AS rate_limited, SUM(server_errors) AS server_errors, SUM(input_tokens) AS input_tokens,
         SUM(output_tokens) AS output_tokens, SUM(cost_usd) AS cost_usd
       FROM calls WHERE run_id = ? GROUP BY role, target_id ORDER BY role, target_id`,
      runId,
    )
    .map((row) => ({
      role: row.role as UsageRow["role"],
      targetId: row.target_id as string,
      calls: Number(row.calls),
      cachedCalls: Number(row.cached_calls),
      erroredCalls: Number(row.errored_calls),
      retries: Number(row.retries),
      rateLimited: Number(row.rate_limited),
      serverErrors: Number(row.server_errors),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: Number(row.cost_usd),
    }));
}

/**
 * One case's calls per role and model. Work keys start with `<run>\x1f<case>\x1f`, so the calls
 * of a case are a range of the primary key; the `+` keeps SQLite from choosing the run index
 * instead, which scanned every call of the run for each case shown in a report.
 */
export function caseCalls(query: StoreQueries, runId: string, caseId: string): CaseCallRow[] {
  const prefix = `${runId}\u001f${caseId}\u001f`;
  return query
    .all(
      `SELECT role, target_id, COUNT(*) AS calls, SUM(MAX(attempts - 1, 0)) AS retries,
         SUM(status = 'errored') AS errored_calls
       FROM calls WHERE work_key >= ? AND work_key < ? AND +run_id = ? AND +case_id = ?
       GROUP BY role, target_id ORDER BY role, target_id`,
      prefix,
      `${runId}\u001f${caseId}\u0020`,
      runId,
      caseId,
    )
    .map((row) => ({
      role: row.role as CaseCallRow["role"],
      targetId: row.target_id as string,
      calls: Number(row.calls),
      retries: Number(row.retries),
      erroredCalls: Number(row.errored_calls),
    }));
}

/** A run by exact id, then by name (newest first), then by unique id prefix. */
export function findRun(query: StoreQueries, idOrName: string): RunRecord | undefined {
  const exact = query.get("SELECT * FROM runs WHERE id = ?", idOrName);
  if (exact) return toRun(exact);
  const byName = query.get("SELECT * FROM runs WHERE name = ? ORDER BY created_at DESC LIMIT 1", idOrName);
  if (byName) return toRun(byName);
  const byPrefix = query.all(
    "SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
    `${escapeLike(idOrName)}%`,
  );
  if (byPrefix.length > 1)
    throw new StoreError(`run id prefix "${idOrName}" matches several runs; give more of it`);
  return byPrefix[0] ? toRun(byPrefix[0]) : undefined;
}

/** Ids of a run's cases that are done or errored. */
export function finishedCaseIds(query: StoreQueries, runId: string): Set<string> {
  const ids = new Set<string>();
  for (const row of query.iterate(
    "SELECT case_id FROM cases WHERE run_id = ? AND status != 'pending'",
    runId,
  ))
    ids.add(row.case_id as string);
  return ids;
}

/** Escapes LIKE wildcards for a pattern with ESCAPE '\\'. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
