import type { Dialogue } from "../dialogue/dialogue.ts";
import type { SqlValue } from "./pending-writes.ts";
import type {
  CachedResponse,
  CallRecord,
  CaseRecord,
  CaseStatus,
  RunRecord,
  RunStatus,
  ScoreRecord,
} from "./store.ts";

/** A row as node:sqlite returns it. */
export type Row = Record<string, string | number | null>;

/** Parses a JSON column (null stays null). */
export function parseJson(value: string | number | null | undefined): unknown {
  return typeof value === "string" ? JSON.parse(value) : null;
}

/** Registers a run, or updates it (its creation time is kept); values from runValues. */
export const PUT_RUN = `INSERT INTO runs (id, name, recipe, status, config, simulator, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status,
         config = excluded.config, simulator = excluded.simulator, updated_at = excluded.updated_at`;

export function runValues(run: RunRecord): SqlValue[] {
  return [
    run.id,
    run.name,
    run.recipe,
    run.status,
    JSON.stringify(run.config),
    run.simulator ? 1 : 0,
    run.createdAt,
    run.updatedAt,
  ];
}

/** Maps a `runs` row to its record. */
export function toRun(row: Row): RunRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    recipe: row.recipe as string,
    status: row.status as RunStatus,
    config: parseJson(row.config),
    simulator: row.simulator === 1,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
  };
}

/** Maps a `cases` row to its record. */
export function toCase(row: Row): CaseRecord {
  return {
    runId: row.run_id as string,
    caseId: row.case_id as string,
    index: Number(row.idx),
    dialogue: parseJson(row.dialogue) as Dialogue,
    status: row.status as CaseStatus,
    result: parseJson(row.result),
    error: (row.error as string | null) ?? null,
    targets: (parseJson(row.targets) as CaseRecord["targets"]) ?? null,
    updatedAt: row.updated_at as string,
  };
}

/** Maps a `calls` row to its record. */
export function toCall(row: Row): CallRecord {
  return {
    workKey: row.work_key as string,
    runId: row.run_id as string,
    caseId: row.case_id as string,
    role: row.role as CallRecord["role"],
    targetId: row.target_id as string,
    requestHash: row.request_hash as string,
    status: row.status as CallRecord["status"],
    cached: row.cached === 1,
    attempts: Number(row.attempts),
    rateLimited: Number(row.rate_limited ?? 0),
    serverErrors: Number(row.server_errors ?? 0),
    error: (row.error as string | null) ?? null,
    text: (row.text as string | null) ?? null,
    usage: { inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens) },
    costUsd: Number(row.cost_usd),
    latencyMs: Number(row.latency_ms),
    createdAt: row.created_at as string,
  };
}

/** Maps a `scores` row to its record. */
export function toScore(row: Row): ScoreRecord {
  return {
    runId: row.run_id as string,
    caseId: row.case_id as string,
    scorer: row.scorer as string,
    status: row.status as ScoreRecord["status"],
    label: (row.label as string | null) ?? null,
    value: row.value === null ? null : Number(row.value),
    explanation: (row.explanation as string | null) ?? null,
    raw: (row.raw as string | null) ?? null,
    createdAt: row.created_at as string,
  };
}

/** The values of a `call` write, in the statement's column order. */
export function callValues(call: CallRecord): SqlValue[] {
  return [
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
    // Successful answers are kept in `responses` (see getCall); only failures, and answers of runs
    // with the cache off (not written to `responses`), keep their own text.
    call.status === "ok" && call.keepsText !== true ? null : call.text,
    call.usage.inputTokens,
    call.usage.outputTokens,
    call.costUsd,
    call.latencyMs,
    call.createdAt,
    call.rateLimited,
    call.serverErrors,
  ];
}

/** The values of a `response` write, in the statement's column order. */
export function responseValues(response: CachedResponse, createdAt: string): SqlValue[] {
  return [
    response.requestHash,
    response.targetFingerprint,
    response.text,
    response.usage.inputTokens,
    response.usage.outputTokens,
    response.finishReason,
    response.modelId,
    createdAt,
  ];
}

/** The values of a `score` write, in the statement's column order. */
export function scoreValues(score: ScoreRecord): SqlValue[] {
  return [
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
}

let lastMs = 0;
let lastIso = "";

/** The time as ISO text; formatted once per millisecond, since writes come in bursts. */
export function now(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** Maps a `responses` row to the cached answer. */
export function toCachedResponse(row: Row): CachedResponse {
  return {
    requestHash: row.request_hash as string,
    targetFingerprint: row.target_fingerprint as string,
    text: row.text as string,
    usage: { inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens) },
    finishReason: row.finish_reason as string,
    modelId: row.model_id as string,
  };
}

/**
 * What reports count a case by, stored beside its dialogue (`cases.facts`) so that counting a run's
 * cases reads a few bytes per case instead of parsing each whole dialogue: user turns, and labels
 * and metadata at the same paths as in the dialogue.
 */
export function caseFacts(dialogue: Dialogue): string {
  let userTurns = 0;
  for (const message of dialogue.messages) if (message.role === "user") userTurns++;
  return JSON.stringify({ userTurns, labels: dialogue.labels ?? {}, metadata: dialogue.metadata ?? {} });
}

/** The values of a `case` write for a case registered as pending. */
export function caseValues(runId: string, caseId: string, index: number, dialogue: Dialogue): SqlValue[] {
  return [
    runId,
    caseId,
    index,
    JSON.stringify(dialogue),
    "pending",
    null,
    null,
    now(),
    null,
    caseFacts(dialogue),
  ];
}
