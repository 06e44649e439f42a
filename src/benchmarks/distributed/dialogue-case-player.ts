import { RunConfigSchema } from "../../config/run-config.ts";
import { CallExecutor } from "../../engine/call-executor.ts";
import type { SharedEndpointSlots } from "../../engine/shared-endpoint-slots.ts";
import type { Store } from "../../engine/store.ts";
import { describeError, InputError } from "../../errors.ts";
import { runDialogueSuite } from "../dialogues/dialogue-suite.ts";
import { planDialogueRun } from "../dialogues/plan-dialogue-run.ts";
import type { DialogueRunPlan } from "../dialogues/run-dialogues.ts";

/** A run as a worker plays its cases: the plan rebuilt from its stored config, one call executor. */
export interface WorkerRun {
  plan: DialogueRunPlan;
  executor: CallExecutor;
  close(): Promise<void>;
}

export interface WorkerRunOptions {
  store: Store;
  runId: string;
  /** Folder the run's config was read from (relative paths in it are resolved against it). */
  baseDir: string;
  env: Record<string, string | undefined>;
  slots?: SharedEndpointSlots;
  signal: AbortSignal;
  /** A plan already built (the coordinating `run --distributed` process plays its own run with it). */
  plan?: DialogueRunPlan;
}

/** The recipes a worker can play (the rest are played by their own commands, one process each). */
export const DISTRIBUTED_RECIPES = ["dialogues"] as const;

/**
 * Rebuilds a stored run for a worker: its targets, judges and driver from the configuration stored
 * with it (API keys come from this worker's environment, as for `turnsafe run`).
 */
export async function openWorkerRun(options: WorkerRunOptions): Promise<WorkerRun> {
  const { store, runId } = options;
  let plan = options.plan;
  let close = async () => {};
  if (!plan) {
    const run = store.getRun(runId);
    if (!run) throw new InputError(`run ${runId} is not in the store`, "job");
    if (!(DISTRIBUTED_RECIPES as readonly string[]).includes(run.recipe))
      throw new InputError(
        `run ${runId} is a ${run.recipe} run; workers play ${DISTRIBUTED_RECIPES.join(", ")} runs only`,
        "job",
      );
    const { resolved: _resolved, ...stored } = (run.config ?? {}) as Record<string, unknown>;
    const parsed = RunConfigSchema.safeParse(stored);
    if (!parsed.success)
      throw new InputError(
        `the stored config of run ${runId} is not a run config: ${parsed.error.message}`,
        "job",
      );
    const planned = await planDialogueRun(parsed.data, { baseDir: options.baseDir, env: options.env });
    plan = planned.plan;
    close = planned.close;
  }
  const executor = new CallExecutor({
    store,
    runId,
    prices: plan.prices,
    retry: plan.retry,
    cache: plan.cache,
    concurrency: plan.endpointConcurrency,
    // Other workers may have stored calls of any case: every call is looked up.
    newRun: false,
    signal: options.signal,
    sharedSlots: options.slots,
  });
  return { plan, executor, close };
}

/** How a worker's case ended. */
export type CaseOutcome = "done" | "errored" | "skipped";

/**
 * Plays one stored case of a run with the ordinary engine (calls resumed from the store, cached
 * answers served, failures stored as the case's error); the caller refreshed the store's view of
 * its stored calls first (`refreshCaseCalls`). A case already finished is skipped: a job
 * handed out again after its worker finished (but died before completing the job) plays nothing.
 */
export async function playStoredCase(
  store: Store,
  run: WorkerRun,
  runId: string,
  caseId: string,
  signal: AbortSignal,
): Promise<CaseOutcome> {
  const record = store.getCase(runId, caseId);
  if (record?.status !== "pending") return "skipped";
  const { plan } = run;
  const progress = await runDialogueSuite({
    // This case's status was just read; runCases need not list the run's finished cases.
    store: withoutFinishedLookup(store),
    runId,
    cases: [record.dialogue],
    targets: plan.targets,
    judges: plan.judges,
    driver: plan.driver,
    repeated: (plan.repeat ?? 1) > 1,
    executor: run.executor,
    concurrency: 1,
    imageBaseDir: plan.imageBaseDir,
    imageMaxBytes: plan.imageMaxBytes,
    signal,
  });
  return progress.errored > 0 ? "errored" : "done";
}

/** Stores a case's failure to start (its run could not be rebuilt here) as the case's error. */
export function storeCaseFailure(store: Store, runId: string, caseId: string, error: unknown): void {
  const record = store.getCase(runId, caseId);
  if (record?.status !== "pending") return;
  store.finishCase(runId, caseId, "errored", null, `worker could not play the case: ${describeError(error)}`);
}

/** The store with `finishedCaseIds` answering "none" (methods bound to the store itself). */
function withoutFinishedLookup(store: Store): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === "finishedCaseIds") return () => new Set<string>();
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
