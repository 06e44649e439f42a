import type { CallRole, ScoreStatus, Usage } from "../contracts/index.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";
import type { DataHashStore } from "./data-hash-store.ts";
import type { ViewerStore } from "./viewer-store.ts";

export type RunStatus = "running" | "completed" | "interrupted" | "failed";

/** One run: a recipe applied to a source with its configuration. */
export interface RunRecord {
  id: string;
  name: string;
  recipe: string;
  status: RunStatus;
  /** The resolved configuration, with secrets removed. */
  config: unknown;
  /** True when any model in the run is the scripted simulator. */
  simulator: boolean;
  createdAt: string;
  updatedAt: string;
}

export type CaseStatus = "pending" | "done" | "errored";

/** A case of a run: the input dialogue and, once played, its result. */
export interface CaseRecord {
  runId: string;
  caseId: string;
  index: number;
  dialogue: Dialogue;
  status: CaseStatus;
  /** The recipe's result for this case (e.g. the transcript and per-target answers). */
  result: unknown;
  error: string | null;
  /** Each target's own outcome (null when the case was not played against several targets). */
  targets?: TargetOutcomes | null;
  updatedAt: string;
}

/** What reports need of every case without reading its whole dialogue. */
export interface CaseSummary {
  caseId: string;
  status: CaseStatus;
  userTurns: number;
  /** The dialogue's `labels.expected`, when it is a string. */
  expected: string | null;
}

/**
 * Each target's outcome of one finished case, by target (or arm) id: null when that target's
 * part of the case succeeded, else why it failed. A case is played against every target, and
 * each target's part is done or errored on its own.
 */
export type TargetOutcomes = Record<string, string | null>;

/** How one target fared over a run's finished cases, with its most common failure reasons. */
export interface TargetOutcomeCount {
  target: string;
  done: number;
  errored: number;
  /** Distinct failure reasons, most frequent first (at most a few). */
  reasons: { error: string; count: number }[];
}

/** One model call made for a unit of work. Keyed by a deterministic work key. */
export interface CallRecord {
  workKey: string;
  runId: string;
  caseId: string;
  role: CallRole;
  targetId: string;
  requestHash: string;
  status: "ok" | "errored";
  /** True when the answer came from the response cache and cost nothing. */
  cached: boolean;
  attempts: number;
  /** Attempts answered with a 429 (rate limited). */
  rateLimited: number;
  /** Attempts answered with a 5xx or that timed out. */
  serverErrors: number;
  error: string | null;
  text: string | null;
  /**
   * The answer is not written to the response cache (the run's cache is off), so the call row keeps
   * its own text. Unset: a successful call's text lives in `responses`, the row points at it.
   */
  keepsText?: boolean;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  createdAt: string;
}

/** A cached model answer, keyed by the hash of everything that determines it. */
export interface CachedResponse {
  requestHash: string;
  targetFingerprint: string;
  text: string;
  usage: Usage;
  finishReason: string;
  modelId: string;
}

/** A judge's verdict on one case (for one target and one scorer). */
export interface ScoreRecord {
  runId: string;
  caseId: string;
  /** Which scorer, and over whose answer, e.g. `refusal@openai:gpt-4o-mini`. */
  scorer: string;
  status: ScoreStatus;
  label: string | null;
  value: number | null;
  explanation: string | null;
  /** The judge's raw output, kept so unparsed answers can be inspected. */
  raw: string | null;
  createdAt: string;
}

/** How many scores share a scorer, status, label and case shape (for reports over large runs). */
export interface ScoreGroup {
  scorer: string;
  status: ScoreStatus;
  label: string | null;
  /** False for verdicts without a numeric value (e.g. an empty answer). */
  hasValue: boolean;
  userTurns: number;
  expected: string | null;
  count: number;
}

/** Scores sharing a scorer, status and label among the cases with one value of a breakdown key. */
export interface BreakdownGroup {
  /** The key's value (as text), or null where the case has none. */
  value: string | null;
  scorer: string;
  status: ScoreStatus;
  label: string | null;
  hasValue: boolean;
  count: number;
}

/** Calls, tokens and cost for one role and target of a run. */
export interface UsageRow {
  role: CallRole;
  targetId: string;
  calls: number;
  cachedCalls: number;
  erroredCalls: number;
  /** Attempts after the first, over all calls. */
  retries: number;
  /** Attempts answered with a 429. */
  rateLimited: number;
  /** Attempts answered with a 5xx or that timed out. */
  serverErrors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** A case's model calls for one role and model, with the attempts they took. */
export interface CaseCallRow {
  role: CallRole;
  targetId: string;
  calls: number;
  /** Attempts beyond the first, summed over the calls (429s, 5xx, timeouts retried). */
  retries: number;
  erroredCalls: number;
}

/** Who holds a run's lease: one process (`id` is `host:pid:random`, unique per session). */
export interface LeaseOwner {
  id: string;
  host: string;
  pid: number;
}

/** The lease of a run being played: one command at a time plays a run (see run-lease.ts). */
export interface RunLease {
  runId: string;
  owner: LeaseOwner;
  acquiredAt: string;
  /** Renewed every few seconds while the owner plays the run. */
  heartbeatAt: string;
}

/** The outcome of trying to take a run's lease. */
export type LeaseClaim = { acquired: true; takenOver?: RunLease } | { acquired: false; holder: RunLease };

/**
 * Persistence for runs. Kept behind this interface so a server database can replace
 * SQLite without touching recipes (design.md).
 */
export interface Store {
  /**
   * Stores shared by several processes (PostgreSQL): reload which calls of these cases are stored
   * before a distributed worker plays them, so calls another worker stored are resumed, not re-asked.
   */
  refreshCaseCalls?(runId: string, caseIds: readonly string[]): void;
  putRun(run: RunRecord): void;
  getRun(id: string): RunRecord | undefined;
  /** Finds a run by exact id, unique id prefix or name (newest first). */
  findRun(idOrName: string): RunRecord | undefined;
  listRuns(): RunRecord[];
  setRunStatus(id: string, status: RunStatus): void;
  deleteRun(id: string): void;

  /** Registers a case; an existing one (resume) is left as it is. */
  addCase(runId: string, caseId: string, index: number, dialogue: Dialogue): void;
  getCase(runId: string, caseId: string): CaseRecord | undefined;
  /** Ids of cases whose work is finished (done or errored). */
  finishedCaseIds(runId: string): Set<string>;
  finishCase(
    runId: string,
    caseId: string,
    status: Exclude<CaseStatus, "pending">,
    result: unknown,
    error: string | null,
    /** Each target's own outcome, when the case is played against several targets. */
    targets?: TargetOutcomes,
  ): void;
  iterateCases(runId: string): Iterable<CaseRecord>;
  /** A light pass over a run's cases (no dialogue parsing), in case order. */
  caseSummaries(runId: string): Iterable<CaseSummary>;
  countCases(runId: string): Record<CaseStatus, number>;
  /** Per target: finished cases done and errored for it, and why (cases finished with targets only). */
  targetOutcomes(runId: string): TargetOutcomeCount[];

  getCall(workKey: string): CallRecord | undefined;
  putCall(call: CallRecord): void;
  getCachedResponse(requestHash: string): CachedResponse | undefined;
  putCachedResponse(response: CachedResponse): void;

  putScore(score: ScoreRecord): void;
  iterateScores(runId: string): Iterable<ScoreRecord>;
  scoresForCase(runId: string, caseId: string): ScoreRecord[];
  /** A run's scores counted by status. */
  countScores(runId: string): Record<ScoreStatus, number>;
  /** Scores counted by scorer, status, label and the case's user turns and expected label (no row per score). */
  scoreGroups(runId: string): ScoreGroup[];
  /**
   * Scores counted per value of a dialogue field (`metadata.<key>`, else `labels.<key>`; dots
   * read nested fields). Keys are checked by the caller (letters, digits, `_`, `-`, dots).
   */
  scoreBreakdown(runId: string, key: string): BreakdownGroup[];
  /** Case ids in case order, optionally only those with one status. */
  caseIds(runId: string, filter: { status?: CaseStatus; limit: number }): string[];
  /** Ids of cases with a score matching the filter (scorer prefix, label, or a status other than the given one). */
  scoredCaseIds(
    runId: string,
    filter: { scorerPrefix?: string; label?: string; statusNot?: ScoreStatus; limit: number },
  ): string[];
  usage(runId: string): UsageRow[];
  /** One case's calls per role and model, with their retries (for the report's case view). */
  caseCalls(runId: string, caseId: string): CaseCallRow[];

  /**
   * Takes the run's lease for `owner`, atomically: when it is free, already `owner`'s, or held by
   * an owner `isLive` says is gone (then `takenOver` names it); otherwise names the live holder.
   */
  acquireRunLease(runId: string, owner: LeaseOwner, isLive: (lease: RunLease) => boolean): LeaseClaim;
  /** Renews `owner`'s heartbeat; false when the lease is no longer `owner`'s (it was taken over). */
  renewRunLease(runId: string, owner: LeaseOwner): boolean;
  /** Gives the lease up (a no-op when `owner` no longer holds it). */
  releaseRunLease(runId: string, owner: LeaseOwner): void;
  getRunLease(runId: string): RunLease | undefined;

  /** The web viewer's reads and its one write, human labels (src/engine/viewer-store.ts). */
  viewer(): ViewerStore;
  /** Each run's data hash, checked as a later session streams the data (src/engine/data-hash-store.ts). */
  dataHashes(): DataHashStore;

  /** Makes every write so far durable (stores that group writes commit them now). */
  flush(): void;
  /** Runs several writes atomically. */
  transaction<T>(work: () => T): T;
  close(): void;
}
