import type { ModelCaller, Target } from "../../contracts/index.ts";
import { type Dialogue, messageText } from "../../dialogue/dialogue.ts";
import type { TurnAnswer } from "../../drivers/driver.ts";
import { type RunProgress, runCases } from "../../engine/run-cases.ts";
import type { RunSessionHooks, RunSettings } from "../../engine/run-session.ts";
import { CancelledError, describeError } from "../../errors.ts";
import type { Judge, JudgeVerdict } from "../../judges/judge.ts";
import type { PlaySession } from "../benchmark.ts";
import type { DialogueCaseResult } from "../dialogues/dialogue-suite.ts";

/** The name the given answers are stored under (in place of a target): scores are `<judge>@given`. */
export const GIVEN = "given";

/** Everything `judge score` needs, already resolved. */
export interface JudgeScorePlan extends RunSettings {
  name: string;
  /** Identifies the transcripts for the run id (path and content hash). */
  dataIdentity: string;
  dataFile: string;
  cases: () => AsyncIterable<Dialogue>;
  judges: Judge[];
  imageBaseDir: string;
  breakdown?: string[];
  /** What the user asked for, secrets removed; stored with the run. */
  config: unknown;
}

/** What determines a scoring run's results (transcripts and judges), hashed into its id. */
export function judgeScoreIdentity(plan: JudgeScorePlan): unknown {
  return {
    data: plan.dataIdentity,
    judges: plan.judges.map((judge) => [
      judge.name,
      judge.target?.fingerprint ?? null,
      judge.identity ?? null,
    ]),
  };
}

/** Every model the judges call. */
export function judgeScoreModels(plan: JudgeScorePlan): Target[] {
  return plan.judges.flatMap((judge) => (judge.target ? [judge.target] : []));
}

/**
 * Scores the given transcripts as they are: no target is called; every judge reads each
 * transcript, whose last message is the answer under judgement, and stores its verdict as
 * `<judge>@given`. The case result has the dialogue suite's shape (the answers under the name
 * `given`), so reports and exports read it as a dialogue run. A judge that throws is stored as an
 * errored verdict, never dropped.
 */
export async function playJudgeScore(
  plan: JudgeScorePlan,
  { store, runId, executor }: PlaySession,
  hooks: RunSessionHooks,
): Promise<RunProgress> {
  await Promise.all(plan.judges.map((judge) => judge.warmUp?.()));
  return runCases<DialogueCaseResult>({
    store,
    runId,
    cases: plan.cases(),
    concurrency: plan.concurrency,
    backoff: executor,
    retryErrored: plan.retryErrored,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
    outcomes: () => ({ [GIVEN]: null }),
    play: async (dialogue) => {
      const caller = executor.forCase(dialogue.id);
      const response = messageText(dialogue.messages.at(-1) as Dialogue["messages"][number]);
      for (const judge of plan.judges) {
        const verdict = await safely(judge, dialogue, response, caller);
        store.putScore({
          runId,
          caseId: dialogue.id,
          scorer: `${judge.name}@${GIVEN}`,
          status: verdict.status,
          label: verdict.label,
          value: verdict.value,
          explanation: verdict.explanation,
          raw: verdict.raw,
          createdAt: new Date().toISOString(),
        });
      }
      return {
        driver: GIVEN,
        targets: {
          [GIVEN]: {
            answers: givenAnswers(dialogue),
            played: dialogue.messages.map((_, index) => index),
            error: null,
          },
        },
      };
    },
  });
}

/** The assistant messages of a transcript, each with the user turn it answers. */
function givenAnswers(dialogue: Dialogue): TurnAnswer[] {
  const answers: TurnAnswer[] = [];
  let turn = 0;
  for (const message of dialogue.messages) {
    if (message.role === "user") turn++;
    else if (message.role === "assistant") answers.push({ turn, text: messageText(message), warnings: [] });
  }
  return answers;
}

async function safely(
  judge: Judge,
  dialogue: Dialogue,
  response: string,
  caller: ModelCaller,
): Promise<JudgeVerdict> {
  try {
    return await judge.judge({ transcript: dialogue, response }, caller);
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    return { status: "errored", label: null, value: null, explanation: describeError(error), raw: null };
  }
}
