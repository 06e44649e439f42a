import type { CaseQueue, FetchedCase } from "../../engine/distributed/case-queue.ts";
import type { SharedEndpointSlots } from "../../engine/shared-endpoint-slots.ts";
import type { Store } from "../../engine/store.ts";
import { CancelledError } from "../../errors.ts";
import type { DialogueRunPlan } from "../dialogues/run-dialogues.ts";
import {
  type CaseOutcome,
  openWorkerRun,
  playStoredCase,
  storeCaseFailure,
  type WorkerRun,
} from "./dialogue-case-player.ts";

/** Finished cases' jobs are completed together this often (ms), after one commit wait. */
const COMPLETE_EVERY_MS = 20;

/** What a worker did so far. */
export interface WorkerStats {
  done: number;
  errored: number;
  /** Jobs whose case was already finished (handed out again after a worker died). */
  skipped: number;
  inFlight: number;
  /** Runs this worker has played cases of. */
  runs: number;
}

export interface CaseWorkerOptions {
  store: Store;
  queue: CaseQueue;
  slots?: SharedEndpointSlots;
  /** Cases played at once. */
  concurrency: number;
  env: Record<string, string | undefined>;
  /** Stop (finishing the cases in flight) once no job is waiting. */
  once?: boolean;
  /** Aborting stops at once: cases in flight are cancelled and their jobs handed back. */
  signal?: AbortSignal;
  /** Checked between fetches: true stops fetching; the cases in flight are finished. */
  shouldStop?: () => boolean;
  /** Plans already built, by run id (the coordinating process's own run). */
  plans?: ReadonlyMap<string, DialogueRunPlan>;
  /** Wait between fetches that found nothing (ms, default 250). */
  idlePollMs?: number;
  onCase?: (stats: WorkerStats, outcome: CaseOutcome) => void;
}

/**
 * A worker: takes case jobs of any run from the queue (up to `concurrency` at once), plays each
 * with the ordinary engine, commits its results and only then completes the job. A worker killed
 * mid-case never completes its jobs; pg-boss hands them out again after their expiry and the next
 * worker resumes them from the stored calls.
 */
export async function runCaseWorker(options: CaseWorkerOptions): Promise<WorkerStats> {
  const { store, queue } = options;
  const signal = options.signal ?? new AbortController().signal;
  const stats: WorkerStats = { done: 0, errored: 0, skipped: 0, inFlight: 0, runs: 0 };
  const runs = new Map<string, Promise<WorkerRun>>();
  const inFlight = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  // A store or queue failure (a commit, completing a job) stops the worker: it is thrown at the end.
  let fatal: unknown;

  const runFor = (job: FetchedCase) => {
    let run = runs.get(job.runId);
    if (!run) {
      run = openWorkerRun({
        store,
        runId: job.runId,
        baseDir: job.baseDir,
        env: options.env,
        slots: options.slots,
        signal,
        plan: options.plans?.get(job.runId),
      });
      runs.set(job.runId, run);
      stats.runs = runs.size;
    }
    return run;
  };

  let finishedJobs: { id: string; done: () => void; failed: (error: unknown) => void }[] = [];
  const completeAfterCommit = (jobId: string) =>
    new Promise<void>((done, failed) => {
      finishedJobs.push({ id: jobId, done, failed });
      if (finishedJobs.length > 1) return;
      setTimeout(() => {
        const group = finishedJobs;
        finishedJobs = [];
        Promise.resolve()
          .then(() => {
            store.flush();
            return queue.complete(group.map((entry) => entry.id));
          })
          .then(
            () => {
              for (const entry of group) entry.done();
            },
            (error: unknown) => {
              for (const entry of group) entry.failed(error);
            },
          );
      }, COMPLETE_EVERY_MS);
    });

  const playJob = async (job: FetchedCase) => {
    let outcome: CaseOutcome;
    try {
      outcome = await playStoredCase(store, await runFor(job), job.runId, job.caseId, signal);
    } catch (error) {
      if (error instanceof CancelledError || signal.aborted) {
        // Stopping: what the case stored so far is kept, and the job is handed back for another worker.
        store.flush();
        await queue.release(job.jobId);
        return;
      }
      // The run cannot be played here (bad stored config, missing key): a stored failure, not a lost case.
      storeCaseFailure(store, job.runId, job.caseId, error);
      outcome = "errored";
    }
    // The case's results are committed before its job is completed: a kill in between replays a
    // finished case (skipped), never loses one. Jobs are completed in groups (one commit wait and
    // one query per group).
    await completeAfterCommit(job.jobId);
    stats[outcome]++;
    options.onCase?.({ ...stats, inFlight: inFlight.size - 1 }, outcome);
  };

  try {
    while (!signal.aborted && !fatal && !options.shouldStop?.()) {
      const free = options.concurrency - inFlight.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const jobs = await queue.fetch(free);
      // One query per run for the calls other workers stored of these cases (not one per case).
      for (const runId of new Set(jobs.map((job) => job.runId)))
        store.refreshCaseCalls?.(
          runId,
          jobs.filter((job) => job.runId === runId).map((job) => job.caseId),
        );
      for (const job of jobs) {
        const task = playJob(job)
          .catch((error: unknown) => {
            fatal ??= error;
          })
          .finally(() => {
            inFlight.delete(task);
            stats.inFlight = inFlight.size;
            wake?.();
          });
        inFlight.add(task);
      }
      stats.inFlight = inFlight.size;
      if (jobs.length > 0) continue;
      if (options.once && inFlight.size === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.idlePollMs ?? 250);
      });
    }
    await Promise.allSettled(inFlight);
    if (fatal) throw fatal;
  } finally {
    await Promise.allSettled(inFlight);
    for (const run of runs.values()) await run.then((opened) => opened.close()).catch(() => {});
  }
  return stats;
}
