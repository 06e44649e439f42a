import type { Dialogue } from "../dialogue/dialogue.ts";
import { CancelledError, describeError } from "../errors.ts";
import type { CaseStatus, Store, TargetOutcomes } from "./store.ts";

/** Progress of a run, reported after each finished case. */
export interface RunProgress {
  /** Cases seen so far in the source (the total once the source is exhausted). */
  seen: number;
  sourceExhausted: boolean;
  /** Cases finished in an earlier session of this run and skipped now. */
  skipped: number;
  done: number;
  errored: number;
  inFlight: number;
}

export interface RunCasesOptions<Result> {
  store: Store;
  runId: string;
  cases: AsyncIterable<Dialogue> | Iterable<Dialogue>;
  /** Cases played at once (calls are further bounded per endpoint). */
  concurrency: number;
  /** Plays one case and returns what is stored as its result. Throwing marks the case errored. */
  play: (dialogue: Dialogue, signal: AbortSignal) => Promise<Result>;
  /**
   * Each target's own outcome of a case, read from its result (or from a CaseFailure's partial
   * result), when cases are played against several targets: stored with the case so that one
   * target's failure does not mark the others' work errored.
   */
  outcomes?: (result: Result) => TargetOutcomes;
  /** Re-plays cases that errored in an earlier session (default: leave them as they are). */
  retryErrored?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  /**
   * Calls waiting out a retry delay (the run's CallExecutor). A case whose call waits out a
   * Retry-After uses no endpoint slot, so as many more cases (at most `concurrency` more) are let
   * in meanwhile: a few 429s with a long Retry-After then delay their own cases, not the run.
   */
  backoff?: { readonly backingOff: number; onBackoff(listener: () => void): () => void };
}

/**
 * Streams cases from a source through `play`, storing each result as it finishes. Cases
 * already finished in the store are skipped, so a killed run resumes where it stopped.
 * Memory stays bounded: at most `concurrency` cases are held at once, plus up to as many again
 * while calls of theirs wait out a retry delay (see `backoff`).
 */
export async function runCases<Result>(options: RunCasesOptions<Result>): Promise<RunProgress> {
  const { store, runId, signal } = options;
  const finished = store.finishedCaseIds(runId);
  const progress: RunProgress = {
    seen: 0,
    sourceExhausted: false,
    skipped: 0,
    done: 0,
    errored: 0,
    inFlight: 0,
  };
  const running = new Set<Promise<void>>();
  // Woken when a case finishes and frees a slot. (Promise.race over the running cases would add a
  // reaction to every one of them per case started, which adds up at thousands of cases a second.)
  let slotFreed: (() => void) | undefined;
  let fatal: unknown;

  const innerSignal = signal ?? new AbortController().signal;
  const playOne = async (dialogue: Dialogue) => {
    try {
      const result = await options.play(dialogue, innerSignal);
      store.finishCase(runId, dialogue.id, "done", result, null, options.outcomes?.(result));
      progress.done++;
    } catch (error) {
      if (error instanceof CancelledError || signal?.aborted) return;
      const partial = error instanceof CaseFailure ? error.partial : null;
      store.finishCase(
        runId,
        dialogue.id,
        "errored",
        partial,
        error instanceof CaseFailure ? error.message : describeError(error),
        partial !== null && options.outcomes ? options.outcomes(partial as Result) : undefined,
      );
      progress.errored++;
    }
  };

  let index = 0;
  const unsubscribe = options.backoff?.onBackoff(() => slotFreed?.());
  try {
    for await (const dialogue of options.cases) {
      if (signal?.aborted) break;
      progress.seen++;
      const caseIndex = index++;
      store.addCase(runId, dialogue.id, caseIndex, dialogue);
      if (finished.has(dialogue.id)) {
        const record = options.retryErrored ? store.getCase(runId, dialogue.id) : undefined;
        if (record?.status !== "errored") {
          progress.skipped++;
          continue;
        }
      }
      const task = playOne(dialogue).finally(() => {
        running.delete(task);
        progress.inFlight = running.size;
        options.onProgress?.({ ...progress });
        slotFreed?.();
      });
      running.add(task);
      progress.inFlight = running.size;
      while (
        running.size >=
        options.concurrency + Math.min(options.concurrency, options.backoff?.backingOff ?? 0)
      )
        await new Promise<void>((resolve) => {
          slotFreed = resolve;
        });
      slotFreed = undefined;
    }
    progress.sourceExhausted = !signal?.aborted;
  } catch (error) {
    fatal = error;
  } finally {
    unsubscribe?.();
  }
  await Promise.allSettled(running);
  if (fatal) throw fatal;
  if (signal?.aborted) throw new CancelledError("run interrupted; rerun the same command to resume");
  options.onProgress?.({ ...progress });
  return progress;
}

/** Thrown by `play` when a case failed but produced a partial result worth storing. */
export class CaseFailure extends Error {
  readonly partial: unknown;
  constructor(message: string, partial: unknown) {
    super(message);
    this.name = "CaseFailure";
    this.partial = partial;
  }
}

/** One target's status on a case: its own failure, else the case's progress (done once finished). */
export function targetStatus(caseStatus: CaseStatus, outcome: { error: string | null }): CaseStatus {
  if (outcome.error) return "errored";
  return caseStatus === "pending" ? "pending" : "done";
}
