import { foldTargetOutcomes, type StoreQueries, toBreakdownGroup, toScoreGroup } from "../sqlite-queries.ts";
import type {
  BreakdownGroup,
  CaseCallRow,
  CaseStatus,
  CaseSummary,
  ScoreGroup,
  TargetOutcomeCount,
} from "../store.ts";

/**
 * The PostgreSQL versions of the store's queries that use SQLite's JSON functions or its index
 * hints; they return exactly what their namesakes in sqlite-queries.ts return (and share their
 * row readers).
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

export function targetOutcomes(query: StoreQueries, runId: string): TargetOutcomeCount[] {
  return foldTargetOutcomes(
    query.all(
      `SELECT t.key AS target, t.value AS error, COUNT(*) AS n
         FROM cases c, jsonb_each_text(c.targets::jsonb) t
         WHERE c.run_id = ? AND c.status != 'pending' AND c.targets IS NOT NULL
         GROUP BY t.key, t.value ORDER BY n DESC, t.key, t.value`,
      runId,
    ),
  );
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
    .map(toScoreGroup);
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
    .map(toBreakdownGroup);
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
