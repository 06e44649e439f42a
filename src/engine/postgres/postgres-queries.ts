import type { ScoreStatus } from "../../contracts/index.ts";
import { escapeLike, type StoreQueries } from "../sqlite-queries.ts";
import type {
  BreakdownGroup,
  CaseCallRow,
  CaseStatus,
  CaseSummary,
  ScoreGroup,
  TargetOutcomeCount,
  UsageRow,
} from "../store.ts";

/**
 * The PostgreSQL versions of the store's queries that use SQLite's JSON functions or its scalar
 * MAX; they return exactly what their namesakes in sqlite-queries.ts return.
 */

/** Number of user messages of a stored dialogue. */
const USER_TURNS_SQL = `(SELECT COUNT(*) FROM jsonb_array_elements(dialogue::jsonb -> 'messages') m
  WHERE m ->> 'role' = 'user')`;
/** The dialogue's `labels.expected` when it is a string, else null (as the SQLite queries read it). */
const EXPECTED_SQL = `CASE WHEN jsonb_typeof(dialogue::jsonb -> 'labels' -> 'expected') = 'string'
  THEN dialogue::jsonb -> 'labels' ->> 'expected' END`;

export function* caseSummaries(query: StoreQueries, runId: string): Iterable<CaseSummary> {
  const rows = query.iterate(
    `SELECT case_id, status, ${USER_TURNS_SQL} AS user_turns, ${EXPECTED_SQL} AS expected
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

const REASONS_PER_TARGET = 3;

export function targetOutcomes(query: StoreQueries, runId: string): TargetOutcomeCount[] {
  const byTarget = new Map<string, TargetOutcomeCount>();
  for (const row of query.all(
    `SELECT t.key AS target, t.value AS error, COUNT(*) AS n
       FROM cases c, jsonb_each_text(c.targets::jsonb) t
       WHERE c.run_id = ? AND c.status != 'pending' AND c.targets IS NOT NULL
       GROUP BY t.key, t.value ORDER BY n DESC, t.key, t.value`,
    runId,
  )) {
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
         SELECT case_id, ${USER_TURNS_SQL} AS user_turns, ${EXPECTED_SQL} AS expected FROM cases WHERE run_id = ?)
       SELECT s.scorer, s.status, s.label, s.value IS NOT NULL AS has_value, shapes.user_turns, shapes.expected,
         COUNT(*) AS n
       FROM scores s JOIN shapes ON shapes.case_id = s.case_id
       WHERE s.run_id = ?
       GROUP BY s.scorer, s.status, s.label, has_value, shapes.user_turns, shapes.expected`,
      runId,
      runId,
    )
    .map((row) => ({
      scorer: row.scorer as string,
      status: row.status as ScoreStatus,
      label: (row.label as string | null) ?? null,
      hasValue: (row.has_value as unknown) === true,
      userTurns: Number(row.user_turns),
      expected: typeof row.expected === "string" ? row.expected : null,
      count: Number(row.n),
    }));
}

/** JSON scalars as SQLite's json_extract gives them to the caller's String(): true -> 1, false -> 0. */
const FIELD_SQL = `CASE jsonb_typeof(d #> ?::text[]) WHEN 'boolean' THEN ((d #> ?::text[])::boolean)::int::text
  ELSE d #>> ?::text[] END`;

export function scoreBreakdown(query: StoreQueries, runId: string, key: string): BreakdownGroup[] {
  const segments = key.split(".");
  const path = (root: string) => `{${[root, ...segments].map((s) => `"${s}"`).join(",")}}`;
  const metadata = path("metadata");
  const labels = path("labels");
  return query
    .all(
      `WITH docs AS (SELECT case_id, dialogue::jsonb AS d FROM cases WHERE run_id = ?),
       keyed AS (SELECT case_id, COALESCE(${FIELD_SQL}, ${FIELD_SQL}) AS value FROM docs)
       SELECT keyed.value, s.scorer, s.status, s.label, s.value IS NOT NULL AS has_value, COUNT(*) AS n
       FROM scores s JOIN keyed ON keyed.case_id = s.case_id
       WHERE s.run_id = ?
       GROUP BY keyed.value, s.scorer, s.status, s.label, has_value`,
      runId,
      metadata,
      metadata,
      metadata,
      labels,
      labels,
      labels,
      runId,
    )
    .map((row) => ({
      value: row.value === null || row.value === undefined ? null : String(row.value),
      scorer: row.scorer as string,
      status: row.status as ScoreStatus,
      label: (row.label as string | null) ?? null,
      hasValue: (row.has_value as unknown) === true,
      count: Number(row.n),
    }));
}

export function usage(query: StoreQueries, runId: string): UsageRow[] {
  return query
    .all(
      `SELECT role, target_id, COUNT(*) AS calls, SUM(cached) AS cached_calls,
         SUM(CASE WHEN status = 'errored' THEN 1 ELSE 0 END) AS errored_calls,
         SUM(GREATEST(attempts - 1, 0)) AS retries, SUM(rate_limited) AS rate_limited,
         SUM(server_errors) AS server_errors, SUM(input_tokens) AS input_tokens,
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

export function caseCalls(query: StoreQueries, runId: string, caseId: string): CaseCallRow[] {
  return query
    .all(
      `SELECT role, target_id, COUNT(*) AS calls, SUM(GREATEST(attempts - 1, 0)) AS retries,
         SUM(CASE WHEN status = 'errored' THEN 1 ELSE 0 END) AS errored_calls
       FROM calls WHERE run_id = ? AND case_id = ?
       GROUP BY role, target_id ORDER BY role, target_id`,
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

export function scoredCaseIds(
  query: StoreQueries,
  runId: string,
  filter: { scorerPrefix?: string; label?: string; statusNot?: ScoreStatus; limit: number },
): string[] {
  const rows = query.all(
    `SELECT DISTINCT case_id FROM scores WHERE run_id = ?
         AND (?::text IS NULL OR scorer LIKE ? ESCAPE '\\') AND (?::text IS NULL OR label = ?)
         AND (?::text IS NULL OR status != ?)
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
