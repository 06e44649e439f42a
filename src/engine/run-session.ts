import { CancelledError } from "../errors.ts";
import { type CallEvent, CallExecutor } from "./call-executor.ts";
import type { PriceTable } from "./pricing.ts";
import type { RetryPolicy } from "./retry-policy.ts";
import type { RunProgress } from "./run-cases.ts";
import { SqliteStore } from "./sqlite-store.ts";
import type { RunRecord, ScoreStatus, Store, TargetOutcomeCount } from "./store.ts";

/**
 * Writes during a run are grouped and committed to SQLite this often. Each is also appended to the
 * store's write log first, so a SIGKILL loses none of them (the next open replays the log).
 */
export const STORE_COMMIT_INTERVAL_MS = 1000;

/** How any recipe's run stores, calls, reports and retries; plans of every recipe extend it. */
export interface RunSettings {
  storePath: string;
  reportDir: string;
  /** Cases played at once. */
  concurrency: number;
  /** Default concurrent requests per endpoint. */
  endpointConcurrency: number;
  cache: boolean;
  retry: Partial<RetryPolicy>;
  prices: PriceTable;
  /** Cases shown in full in the report. */
  reportCases: number;
  /** Replay cases that errored in an earlier session of the run. */
  retryErrored?: boolean;
}

/** What callers can watch while a run plays. */
export interface RunSessionHooks {
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  onCall?: (event: CallEvent) => void;
  /** Called with the run's call executor before any call, e.g. to show its stats while it runs. */
  onExecutor?: (executor: CallExecutor) => void;
  /** Called once the run is registered in the store. */
  onStart?: (run: RunRecord, resumed: boolean) => void;
}

/** One run of a recipe: its identity, how calls are made, how cases are played and reported. */
export interface RunSessionSpec {
  storePath: string;
  run: Pick<RunRecord, "id" | "name" | "recipe" | "config" | "simulator">;
  executor: {
    prices: PriceTable;
    retry?: Partial<RetryPolicy>;
    cache: boolean;
    /** Default concurrent requests per endpoint. */
    endpointConcurrency: number;
  };
  /** Plays the run's cases (typically through runCases); throws CancelledError when interrupted. */
  play(session: { store: Store; runId: string; executor: CallExecutor }): Promise<RunProgress | undefined>;
  /** Renders the run's reports (also after an interruption); returns their paths. */
  writeReports(store: Store, runId: string): Promise<{ reportHtml: string; reportJson: string }>;
}

/** What a finished or interrupted run leaves behind. */
export interface RunSessionOutcome {
  run: RunRecord;
  resumed: boolean;
  interrupted: boolean;
  progress: RunProgress | undefined;
  counts: Record<"pending" | "done" | "errored", number>;
  /** Each target's own done and errored cases (empty when the recipe plays one model per case). */
  targets: TargetOutcomeCount[];
  /** The run's scores (judge verdicts, graded answers) by status. */
  scores: Record<ScoreStatus, number>;
  reportHtml: string;
  reportJson: string;
}

/**
 * The life of a run, shared by every recipe: open the store, play the run (see playRun), write
 * the reports, close the store.
 */
export async function executeRunSession(
  spec: RunSessionSpec,
  hooks: RunSessionHooks = {},
): Promise<RunSessionOutcome> {
  const store = new SqliteStore(spec.storePath, {
    commitIntervalMs: STORE_COMMIT_INTERVAL_MS,
    writeLog: true,
  });
  try {
    const played = await playRun(store, spec.run, spec.executor, spec.play, hooks);
    const reports = await spec.writeReports(store, spec.run.id);
    return {
      ...played,
      counts: store.countCases(spec.run.id),
      targets: store.targetOutcomes(spec.run.id),
      scores: store.countScores(spec.run.id),
      ...reports,
    };
  } finally {
    store.close();
  }
}

/**
 * Registers (or reopens) a run in an open store, plays it with one executor and records how it
 * ended: completed, interrupted (CancelledError; the run can be resumed) or failed (rethrown).
 */
export async function playRun(
  store: Store,
  identity: RunSessionSpec["run"],
  executorOptions: RunSessionSpec["executor"],
  play: RunSessionSpec["play"],
  hooks: RunSessionHooks = {},
): Promise<{ run: RunRecord; resumed: boolean; interrupted: boolean; progress: RunProgress | undefined }> {
  const runId = identity.id;
  const existing = store.getRun(runId);
  const now = new Date().toISOString();
  const run: RunRecord = {
    ...identity,
    // A run found to use the simulator (its answers said so) stays marked when resumed.
    simulator: identity.simulator || existing?.simulator === true,
    status: "running",
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  store.putRun(run);
  hooks.onStart?.(run, existing !== undefined);
  const executor = new CallExecutor({
    store,
    runId,
    prices: executorOptions.prices,
    retry: executorOptions.retry,
    cache: executorOptions.cache,
    concurrency: executorOptions.endpointConcurrency,
    signal: hooks.signal,
    newRun: existing === undefined,
    onEvent: hooks.onCall,
  });
  hooks.onExecutor?.(executor);
  let progress: RunProgress | undefined;
  let interrupted = false;
  try {
    progress = await play({ store, runId, executor });
    store.setRunStatus(runId, "completed");
  } catch (error) {
    if (!(error instanceof CancelledError)) {
      store.setRunStatus(runId, "failed");
      throw error;
    }
    interrupted = true;
    store.setRunStatus(runId, "interrupted");
  }
  store.flush();
  return { run: store.getRun(runId) ?? run, resumed: existing !== undefined, interrupted, progress };
}
