import type { ScoreStatus } from "../contracts/index.ts";
import { CancelledError } from "../errors.ts";
import { type CallEvent, CallExecutor } from "./call-executor.ts";
import { openStore, withoutStorePasswords } from "./open-store.ts";
import type { PriceTable } from "./pricing.ts";
import type { RetryPolicy } from "./retry-policy.ts";
import type { RunProgress } from "./run-cases.ts";
import { type HeldRunLease, holdRunLease } from "./run-lease.ts";
import type { RunLease, RunRecord, RunStatus, Store, TargetOutcomeCount } from "./store.ts";

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
  /**
   * When another live command is playing the run: wait for it to finish (then play what is left,
   * usually nothing, and report) instead of refusing with RunBusyError.
   */
  wait?: boolean;
  /** Called once when this command starts waiting for another one (see `wait`). */
  onWait?: (holder: RunLease) => void;
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
  /**
   * Renders the run's reports (also after an interruption); returns their paths. `status` is the
   * status the run is recorded with once the reports are written (it is still `running` in the
   * store while they are rendered), so the reports show the run as it ends.
   */
  writeReports(
    store: Store,
    runId: string,
    status: RunStatus,
  ): Promise<{ reportHtml: string; reportJson: string }>;
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
 * The life of a run, shared by every recipe: open the store, play the run and write its reports
 * (see playRun), close the store.
 */
export async function executeRunSession(
  spec: RunSessionSpec,
  hooks: RunSessionHooks = {},
): Promise<RunSessionOutcome> {
  const store = openStore(spec.storePath, {
    commitIntervalMs: STORE_COMMIT_INTERVAL_MS,
    writeLog: true,
  });
  try {
    // A config that names a PostgreSQL store must not put its password in the store or reports.
    const run = { ...spec.run, config: withoutStorePasswords(spec.run.config) };
    const played = await playRun(store, run, spec.executor, spec.play, hooks, ({ interrupted }) =>
      spec.writeReports(store, spec.run.id, interrupted ? "interrupted" : "completed"),
    );
    return {
      ...played,
      counts: store.countCases(spec.run.id),
      targets: store.targetOutcomes(spec.run.id),
      scores: store.countScores(spec.run.id),
      ...played.finished,
    };
  } finally {
    store.close();
  }
}

/** How a session of a run ended, with what its `finish` step returned. */
export interface PlayedRun<Finished> {
  run: RunRecord;
  resumed: boolean;
  interrupted: boolean;
  progress: RunProgress | undefined;
  finished: Finished;
}

/**
 * Registers (or reopens) a run in an open store, plays it with one executor, runs `finish` (the
 * recipe's reports or output files, also after an interruption) and only then records how it
 * ended: completed, interrupted (CancelledError; the run can be resumed) or failed (rethrown; also
 * when `finish` fails). So a run marked completed always has its reports: a kill before that
 * leaves it "running", and the next command replays it (from the store, at no cost) and reports.
 *
 * All of it happens under the run's lease (run-lease.ts): a second command on the same run refuses
 * (RunBusyError) or waits (`hooks.wait`) while this one lives, so no call is made twice. If this
 * command's heartbeat stops long enough for another to take the run over, it stops at its next
 * heartbeat and records nothing more about the run.
 */
export async function playRun<Finished = undefined>(
  store: Store,
  identity: RunSessionSpec["run"],
  executorOptions: RunSessionSpec["executor"],
  play: RunSessionSpec["play"],
  hooks: RunSessionHooks = {},
  finish?: (session: { interrupted: boolean; resumed: boolean }) => Promise<Finished> | Finished,
): Promise<PlayedRun<Finished>> {
  const runId = identity.id;
  const lease = await holdRunLease(store, runId, {
    wait: hooks.wait,
    onWait: hooks.onWait,
    signal: hooks.signal,
  });
  try {
    return await playLeased(store, identity, executorOptions, play, hooks, finish, lease);
  } finally {
    lease.release();
  }
}

async function playLeased<Finished>(
  store: Store,
  identity: RunSessionSpec["run"],
  executorOptions: RunSessionSpec["executor"],
  play: RunSessionSpec["play"],
  hooks: RunSessionHooks,
  finish: ((session: { interrupted: boolean; resumed: boolean }) => Promise<Finished> | Finished) | undefined,
  lease: HeldRunLease,
): Promise<PlayedRun<Finished>> {
  const runId = identity.id;
  const existing = store.getRun(runId);
  const resumed = existing !== undefined;
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
  hooks.onStart?.(run, resumed);
  const executor = new CallExecutor({
    store,
    runId,
    prices: executorOptions.prices,
    retry: executorOptions.retry,
    cache: executorOptions.cache,
    concurrency: executorOptions.endpointConcurrency,
    // Calls stop when Ctrl-C is pressed or the lease is lost.
    signal: hooks.signal ? AbortSignal.any([hooks.signal, lease.lost]) : lease.lost,
    newRun: !resumed,
    onEvent: hooks.onCall,
  });
  hooks.onExecutor?.(executor);
  let progress: RunProgress | undefined;
  let interrupted = false;
  let finished: Finished;
  try {
    try {
      progress = await play({ store, runId, executor });
    } catch (error) {
      if (!(error instanceof CancelledError)) throw error;
      interrupted = true;
    }
    if (lease.lost.aborted) throw lease.lost.reason;
    finished = (await finish?.({ interrupted, resumed })) as Finished;
    // Still ours? (A heartbeat may have been missed while the reports were built.)
    lease.confirm();
  } catch (error) {
    if (!lease.lost.aborted) store.setRunStatus(runId, "failed");
    throw error;
  }
  store.setRunStatus(runId, interrupted ? "interrupted" : "completed");
  store.flush();
  return { run: store.getRun(runId) ?? run, resumed, interrupted, progress, finished };
}
