import type { Target } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { type JsonlOptions, readDialogues } from "../../dialogue/jsonl.ts";
import { type ChunkHasher, StreamedDataHash } from "../../dialogue/streamed-data-hash.ts";
import type { RunProgress } from "../../engine/run-cases.ts";
import type { RunSessionHooks, RunSessionOutcome, RunSettings } from "../../engine/run-session.ts";
import type { Store } from "../../engine/store.ts";
import type { Judge } from "../../judges/judge.ts";
import type { PlaySession } from "../benchmark.ts";
import { type DriverChoice, runDialogueSuite } from "./dialogue-suite.ts";

/** Everything a dialogue run needs, already resolved (paths absolute, targets built). */
export interface DialogueRunPlan extends RunSettings {
  name: string;
  /** Identifies the data for the run id: a resolved path or a suite name. */
  dataIdentity: string;
  /** The JSONL file cases stream from, when they come from one (for progress totals). */
  dataFile?: string;
  /**
   * The dialogues, streamed. Those read from `dataFile` are hashed as they stream through `hash`
   * (checked against the hash an earlier session of the run stored; see StreamedDataHash).
   */
  cases: (hash?: ChunkHasher) => AsyncIterable<Dialogue> | Iterable<Dialogue>;
  imageBaseDir: string;
  /** Largest image file read during the run (default 20 MiB; `limits.maxImageBytes`). */
  imageMaxBytes?: number;
  targets: Target[];
  judges: Judge[];
  driver: DriverChoice;
  /** Each dialogue is played this many times as separate samples (default 1). */
  repeat?: number;
  /** The configuration as the user wrote it, secrets removed; stored with the run. */
  config: unknown;
  /** Metadata keys the generic report breaks rates down by (default: `category`). */
  breakdown?: string[];
}

export type DialogueRunHooks = RunSessionHooks;

/** What a finished (or interrupted) run leaves behind. */
export type DialogueRunOutcome = RunSessionOutcome;

/**
 * What determines a dialogue run's results (data, targets, judges, driver), hashed into its id,
 * so rerunning the same command resumes the same run and a changed one starts anew.
 */
export function dialogueRunIdentity(
  plan: Pick<DialogueRunPlan, "dataIdentity" | "targets" | "judges" | "driver" | "repeat">,
): unknown {
  // Custom judges' definitions and a repeat count above 1 are added only when present, so the
  // ids of runs without them stay as they were (and those runs still resume).
  return {
    data: plan.dataIdentity,
    targets: plan.targets.map((target) => target.fingerprint),
    judges: plan.judges.map((judge) =>
      judge.identity === undefined
        ? [judge.name, judge.target?.fingerprint ?? null]
        : [judge.name, judge.target?.fingerprint ?? null, judge.identity],
    ),
    driver: plan.driver,
    repeat: (plan.repeat ?? 1) > 1 ? plan.repeat : undefined,
  };
}

/** Every model a dialogue run calls: its targets and its judges' models. */
export function dialogueRunModels(plan: Pick<DialogueRunPlan, "targets" | "judges">): Target[] {
  return [...plan.targets, ...plan.judges.flatMap((judge) => (judge.target ? [judge.target] : []))];
}

/** Plays every (repeated) dialogue of the plan against every target; judges score each. */
export function playDialogueRun(
  plan: DialogueRunPlan,
  { store, runId, executor }: PlaySession,
  hooks: RunSessionHooks,
): Promise<RunProgress> {
  return runDialogueSuite({
    store,
    runId,
    cases: repeatedCases(plan.cases(dataHash(plan, store, runId)), plan.repeat ?? 1),
    targets: plan.targets,
    judges: plan.judges,
    driver: plan.driver,
    repeated: (plan.repeat ?? 1) > 1,
    executor,
    concurrency: plan.concurrency,
    imageBaseDir: plan.imageBaseDir,
    imageMaxBytes: plan.imageMaxBytes,
    retryErrored: plan.retryErrored,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  });
}

/**
 * Hashes the run's data file as it streams: the first session that reads it to the end stores
 * the hash with the run; a later one (a resume or rerun, whose file fingerprint matched) is
 * checked against it block by block and stops before playing anything of a changed block.
 */
function dataHash(plan: DialogueRunPlan, store: Store, runId: string): StreamedDataHash | undefined {
  if (plan.dataFile === undefined) return undefined;
  const hashes = store.dataHashes();
  const expected = hashes.get(runId);
  return new StreamedDataHash({
    file: plan.dataFile,
    expected,
    runLabel: `run ${runId} began`,
    onComplete: (record) => {
      if (!expected) hashes.put(runId, record);
    },
  });
}

/** Streams dialogues from a JSONL file, stopping after `limit` when given. */
export async function* limitedDialogues(
  file: string,
  limit?: number,
  options: JsonlOptions = {},
): AsyncGenerator<Dialogue> {
  let count = 0;
  for await (const dialogue of readDialogues(file, options)) {
    if (limit !== undefined && count++ >= limit) return;
    yield dialogue;
  }
}

/**
 * With `repeat` n > 1, each dialogue becomes n cases `<id>#1` .. `<id>#n` (metadata `sampleOf`,
 * `sample`), played and judged as separate samples; with 1 the dialogues pass unchanged.
 */
export async function* repeatedCases(
  cases: AsyncIterable<Dialogue> | Iterable<Dialogue>,
  repeat: number,
): AsyncGenerator<Dialogue> {
  for await (const dialogue of cases) {
    if (repeat <= 1) {
      yield dialogue;
      continue;
    }
    for (let sample = 1; sample <= repeat; sample++)
      yield {
        ...dialogue,
        id: `${dialogue.id}#${sample}`,
        metadata: { ...dialogue.metadata, sampleOf: dialogue.id, sample },
      };
  }
}
