import type { ModelCaller, Target } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import type { Driver, TurnAnswer } from "../../drivers/driver.ts";
import { liveDriver } from "../../drivers/live-driver.ts";
import type { PlayedMessage } from "../../drivers/played-transcript.ts";
import { replayDriver } from "../../drivers/replay-driver.ts";
import type { CallExecutor } from "../../engine/call-executor.ts";
import { CaseFailure, type RunProgress, runCases } from "../../engine/run-cases.ts";
import type { Store } from "../../engine/store.ts";
import { CancelledError, describeError } from "../../errors.ts";
import type { Judge } from "../../judges/judge.ts";

export type DriverChoice = "auto" | "live" | "replay";

/**
 * Stored result of one case: each target's answers and its played transcript (absent in results
 * stored before transcripts were kept), or why it failed.
 */
export interface DialogueCaseResult {
  driver: string;
  targets: Record<string, { answers: TurnAnswer[]; played?: PlayedMessage[]; error: string | null }>;
}

export interface DialogueSuiteOptions {
  store: Store;
  runId: string;
  cases: AsyncIterable<Dialogue> | Iterable<Dialogue>;
  targets: Target[];
  judges: Judge[];
  driver: DriverChoice;
  /** Cases are samples of repeated dialogues (metadata `sample`): their calls get the sample in the request hash. */
  repeated?: boolean;
  executor: CallExecutor;
  concurrency: number;
  imageBaseDir?: string;
  /** Largest image file read (default 20 MiB). */
  imageMaxBytes?: number;
  retryErrored?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
}

/** Picks the driver: replay when the dialogue carries assistant turns, live otherwise. */
export function chooseDriver(dialogue: Dialogue, choice: DriverChoice): Driver {
  if (choice === "live") return liveDriver;
  if (choice === "replay") return replayDriver;
  return dialogue.messages.some((message) => message.role === "assistant") ? replayDriver : liveDriver;
}

/**
 * The generic recipe: every dialogue is played against every target, and every judge scores
 * each target's transcript. Each target's part of a case is done or errored on its own (stored as
 * the case's target outcomes); a target that fails also marks the case errored as a whole (so
 * `--retry-errors` replays it), while the other targets' answers and scores are kept.
 */
export function runDialogueSuite(options: DialogueSuiteOptions): Promise<RunProgress> {
  const { store, runId, executor } = options;
  return runCases<DialogueCaseResult>({
    store,
    runId,
    cases: options.cases,
    concurrency: options.concurrency,
    retryErrored: options.retryErrored,
    signal: options.signal,
    onProgress: options.onProgress,
    backoff: executor,
    outcomes: (result) =>
      Object.fromEntries(Object.entries(result.targets).map(([target, outcome]) => [target, outcome.error])),
    play: async (dialogue) => {
      const driver = chooseDriver(dialogue, options.driver);
      const sample = options.repeated ? Number(dialogue.metadata.sample) || undefined : undefined;
      const caller = executor.forCase(dialogue.id, sample);
      const result: DialogueCaseResult = { driver: driver.name, targets: {} };
      const failures: string[] = [];
      await Promise.all(
        options.targets.map(async (target) => {
          try {
            const transcript = await driver.play(dialogue, {
              caller,
              target,
              imageBaseDir: options.imageBaseDir,
              imageMaxBytes: options.imageMaxBytes,
            });
            result.targets[target.id] = {
              answers: transcript.answers,
              played: transcript.played,
              error: null,
            };
            const response = transcript.answers.at(-1)?.text ?? "";
            const transcriptDialogue = { ...dialogue, messages: transcript.messages };
            // Each target's judge calls get their own work keys, or they would overwrite one another.
            const judgeCaller: ModelCaller = {
              call: (role, model, request, step) => caller.call(role, model, request, `${target.id}/${step}`),
            };
            for (const judge of options.judges) {
              const verdict = await judge.judge({ transcript: transcriptDialogue, response }, judgeCaller);
              store.putScore({
                runId,
                caseId: dialogue.id,
                scorer: `${judge.name}@${target.id}`,
                ...verdict,
                createdAt: new Date().toISOString(),
              });
            }
          } catch (error) {
            if (error instanceof CancelledError) throw error;
            const reason = describeError(error);
            result.targets[target.id] = { answers: [], error: reason };
            failures.push(`${target.id}: ${reason}`);
          }
        }),
      );
      if (failures.length > 0) throw new CaseFailure(failures.join("; "), result);
      return result;
    },
  });
}
