import { type CaseJob, CaseQueue, type CaseQueueOptions } from "../../engine/distributed/case-queue.ts";
import { isPostgresUrl, storeLabel } from "../../engine/open-store.ts";
import { PgEndpointSlots } from "../../engine/postgres/endpoint-slots.ts";
import type { RunProgress } from "../../engine/run-cases.ts";
import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import { CancelledError, InputError } from "../../errors.ts";
import type { PlaySession } from "../benchmark.ts";
import { dialoguesBenchmark } from "../dialogues/dialogues-benchmark.ts";
import { type DialogueRunPlan, repeatedCases } from "../dialogues/run-dialogues.ts";
import { runBenchmark } from "../run-benchmark.ts";
import { runCaseWorker } from "./case-worker.ts";

/** Cases stored and enqueued per batch. */
const ENQUEUE_BATCH = 500;
/** How often the coordinator reads the run's progress from the store (ms). */
const PROGRESS_POLL_MS = 500;

export interface DistributedRunOptions extends CaseQueueOptions {
  /** Folder the run's config was read from; workers resolve its relative paths against it. */
  baseDir: string;
  /** Play cases here too (default), or only enqueue and wait for workers. */
  play: boolean;
  env: Record<string, string | undefined>;
}

/**
 * `turnsafe run --distributed`: registers the run as usual (same run id, config stored, under the
 * run's lease, so a plain `turnsafe run` of it refuses meanwhile), stores its cases and enqueues one
 * pg-boss job per unfinished case, then plays jobs itself (`play`) or only waits, showing progress
 * from the store, until no case is pending; then reports and marks the run like any run. Workers
 * (`turnsafe worker`) take no lease: the queue hands each case to one worker at a time.
 */
export function executeDistributedDialogueRun(
  plan: DialogueRunPlan,
  options: DistributedRunOptions,
  hooks: RunSessionHooks = {},
): Promise<RunSessionOutcome> {
  if (!isPostgresUrl(plan.storePath))
    throw new InputError("--distributed needs a PostgreSQL store (postgres://…)", "--store");
  if (plan.retryErrored)
    throw new InputError("not supported with --distributed yet (rerun without it)", "--retry-errors");
  return runBenchmark(
    {
      ...dialoguesBenchmark,
      play: (planned, session, played) => playDistributed(planned, session, played, options),
    },
    plan,
    hooks,
  );
}

async function playDistributed(
  plan: DialogueRunPlan,
  { store, runId }: PlaySession,
  hooks: RunSessionHooks,
  options: DistributedRunOptions,
): Promise<RunProgress> {
  const label = storeLabel(plan.storePath);
  const queue = await CaseQueue.open(plan.storePath, label, options);
  const slots = options.play ? await PgEndpointSlots.open(plan.storePath, label) : undefined;
  const progress: RunProgress = {
    seen: 0,
    sourceExhausted: false,
    skipped: 0,
    done: 0,
    errored: 0,
    inFlight: 0,
  };
  let worker: Promise<unknown> | undefined;
  let stop = false;
  try {
    const finished = store.finishedCaseIds(runId);
    let batch: CaseJob[] = [];
    const send = async () => {
      // Cases are committed before their jobs exist: a worker always finds the case it is given.
      store.flush();
      await queue.enqueue(batch);
      batch = [];
    };
    for await (const dialogue of repeatedCases(plan.cases(), plan.repeat ?? 1)) {
      if (hooks.signal?.aborted) break;
      store.addCase(runId, dialogue.id, progress.seen++, dialogue);
      if (finished.has(dialogue.id)) progress.skipped++;
      else batch.push({ runId, caseId: dialogue.id, baseDir: options.baseDir });
      if (batch.length >= ENQUEUE_BATCH) await send();
    }
    await send();
    progress.sourceExhausted = !hooks.signal?.aborted;
    if (options.play)
      worker = runCaseWorker({
        store,
        queue,
        slots,
        concurrency: plan.concurrency,
        env: options.env,
        signal: hooks.signal,
        shouldStop: () => stop,
        plans: new Map([[runId, plan]]),
      });
    for (;;) {
      const counts = store.countCases(runId);
      Object.assign(progress, {
        done: counts.done - Math.min(counts.done, progress.skipped),
        errored: counts.errored,
        inFlight: counts.pending,
      });
      hooks.onProgress?.({ ...progress });
      if (counts.pending === 0 || hooks.signal?.aborted) break;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, PROGRESS_POLL_MS)), worker]);
    }
  } finally {
    stop = true;
    await worker?.catch(() => {});
    await slots?.close();
    await queue.close();
  }
  await worker;
  if (hooks.signal?.aborted)
    throw new CancelledError(
      "stopped waiting; workers go on playing the run's cases. Rerun the same command to wait again and report",
    );
  return progress;
}
