import type { ScoreStatus } from "../contracts/index.ts";
import type { SqlValue } from "./pending-writes.ts";
import type { StoreQueries } from "./sqlite-queries.ts";
import { type Row, toCall, toCase, toScore } from "./sqlite-rows.ts";
import type { CaseStatus } from "./store.ts";
import type { HumanLabel, RunProgressRow, ViewerStore } from "./viewer-store.ts";

function toLabel(row: Row): HumanLabel {
  return {
    runId: row.run_id as string,
    caseId: row.case_id as string,
    scorer: row.scorer as string,
    verdict: row.verdict as HumanLabel["verdict"],
    note: (row.note as string | null) ?? null,
    createdAt: row.created_at as string,
  };
}

/**
 * The viewer's queries over a SQLite store (plain SQL): `query` reads through the store (held
 * writes applied first), `write` commits one statement at once.
 */
export function sqliteViewerStore(
  query: StoreQueries,
  write: (sql: string, ...values: SqlValue[]) => void,
): ViewerStore {
  return {
    casesUpdatedSince: (runId, since) =>
      query
        .all("SELECT * FROM cases WHERE run_id = ? AND updated_at >= ? ORDER BY idx", runId, since)
        .map(toCase),
    casesAfter: (runId, afterIndex, limit) =>
      query
        .all(
          "SELECT * FROM cases WHERE run_id = ? AND idx > ? ORDER BY idx LIMIT ?",
          runId,
          afterIndex,
          limit,
        )
        .map(toCase),
    lastCaseUpdate: (runId) =>
      (query.all("SELECT MAX(updated_at) AS t FROM cases WHERE run_id = ?", runId)[0]?.t as string | null) ??
      null,
    scoresOfCaseRange: (runId, fromIndex, toIndex) =>
      query
        .all(
          // The range's case ids first (cases_by_index), then their scores by primary key.
          `SELECT * FROM scores WHERE run_id = ? AND case_id IN
             (SELECT case_id FROM cases WHERE run_id = ? AND idx >= ? AND idx <= ?)`,
          runId,
          runId,
          fromIndex,
          toIndex,
        )
        .map(toScore),
    runProgress() {
      const byRun = new Map<string, RunProgressRow>();
      for (const row of query.all("SELECT id, status, updated_at FROM runs"))
        byRun.set(row.id as string, {
          runId: row.id as string,
          status: row.status as string,
          updatedAt: row.updated_at as string,
          cases: { pending: 0, done: 0, errored: 0 },
        });
      // Counted from the (run_id, status, idx) index, without reading case rows.
      for (const row of query.all(
        "SELECT run_id, status, COUNT(*) AS n FROM cases GROUP BY run_id, status",
      )) {
        const progress = byRun.get(row.run_id as string);
        if (progress) progress.cases[row.status as CaseStatus] = Number(row.n);
      }
      return [...byRun.values()];
    },
    verdictCounts: (runId) =>
      query
        .all(
          `SELECT scorer, label, COUNT(*) AS n FROM scores
           WHERE run_id = ? AND status = 'ok' AND label IS NOT NULL GROUP BY scorer, label`,
          runId,
        )
        .map((row) => ({
          judge: String(row.scorer).split("@")[0] ?? "",
          label: String(row.label),
          count: Number(row.n),
        })),
    // Work keys start with the run and case ids (request-hash.ts): a range of the primary key.
    callsForCase: (runId, caseId) =>
      query
        .all(
          `SELECT calls.*, COALESCE(calls.text, responses.text) AS text FROM calls
           LEFT JOIN responses ON responses.request_hash = calls.request_hash AND calls.status = 'ok'
           WHERE calls.work_key >= ? AND calls.work_key < ?
           ORDER BY calls.created_at, calls.work_key`,
          `${runId}\u001f${caseId}\u001f`,
          `${runId}\u001f${caseId}\u0020`,
        )
        .map(toCall),
    putLabel(label) {
      write(
        `INSERT INTO human_labels (run_id, case_id, scorer, verdict, note, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, case_id, scorer) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
           created_at = excluded.created_at`,
        label.runId,
        label.caseId,
        label.scorer,
        label.verdict,
        label.note,
        label.createdAt,
      );
    },
    labelsForCase: (runId, caseId) =>
      query
        .all("SELECT * FROM human_labels WHERE run_id = ? AND case_id = ? ORDER BY scorer", runId, caseId)
        .map(toLabel),
    exportLabels(runId) {
      return query
        .all(
          `SELECT h.*, s.status AS judge_status, s.label AS judge_label, s.value AS judge_value
           FROM human_labels h
           LEFT JOIN scores s ON s.run_id = h.run_id AND s.case_id = h.case_id AND s.scorer = h.scorer
           WHERE (CAST(? AS TEXT) IS NULL OR h.run_id = ?) ORDER BY h.run_id, h.case_id, h.scorer`,
          runId ?? null,
          runId ?? null,
        )
        .map((row) => ({
          ...toLabel(row),
          judgeStatus: (row.judge_status as ScoreStatus | null) ?? null,
          judgeLabel: (row.judge_label as string | null) ?? null,
          judgeValue:
            row.judge_value === null || row.judge_value === undefined ? null : Number(row.judge_value),
        }));
    },
  };
}
