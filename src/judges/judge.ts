import type { ModelCaller, ScoreStatus, Target } from "../contracts/index.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";

/** What a judge looks at: the whole conversation, ending with the answer under judgement. */
export interface JudgeInput {
  /** The transcript, including the final assistant answer. */
  transcript: Dialogue;
  /** The final assistant answer (also the last message of the transcript). */
  response: string;
  /** The original request, where the source has one (e.g. SafeMT's `question`). */
  question?: string;
}

/** A judge's verdict. `unparsed` and `errored` are counted and shown, never read as safe. */
export interface JudgeVerdict {
  status: ScoreStatus;
  /** Categorical outcome, e.g. `refusal`/`compliance` or `safe`/`unsafe`. */
  label: string | null;
  /** Numeric outcome, e.g. 1 for unsafe or a 1-5 score. */
  value: number | null;
  explanation: string | null;
  /** The model's raw output, when a model judged. */
  raw: string | null;
  /**
   * A graded score where the judge has one: the probability of its positive label (the refusal
   * judge's P(refusal), the local guard's risk in [0, 1]; higher: more of what it flags), read by
   * `judge eval`'s threshold sweep and ROC-AUC; without it `value` is the score. Not stored with
   * the score row.
   */
  score?: number;
}

/** Scores transcripts. */
export interface Judge {
  readonly name: string;
  /** Model behind the judge, when there is one. */
  readonly target?: Target;
  /**
   * What else defines the judge's verdicts (a custom judge's pattern or rubric), so that a
   * changed definition starts a new run; built-in judges leave it out.
   */
  readonly identity?: string;
  judge(input: JudgeInput, caller: ModelCaller): Promise<JudgeVerdict>;
  /** Loads what the judge needs before the first verdict (a moderator's models and workers), so it is not timed. */
  warmUp?(): Promise<void>;
}
