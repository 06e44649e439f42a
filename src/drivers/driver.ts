import type { ModelCaller, Target } from "../contracts/index.ts";
import type { Dialogue, Message } from "../dialogue/dialogue.ts";
import type { PlayedMessage } from "./played-transcript.ts";

/** One answer of the target during a case. */
export interface TurnAnswer {
  /** 1-based user turn the answer replies to. */
  turn: number;
  text: string;
  warnings: string[];
}

/**
 * What a driver returns: the conversation (in the dialogue's own layout, for judges), the answers
 * it collected, and `played`, the compact record of the messages exactly as sent for the last turn
 * plus the final answer, stored with the case result (see played-transcript.ts).
 */
export interface Transcript {
  messages: Message[];
  answers: TurnAnswer[];
  played: PlayedMessage[];
}

/** Context a driver needs besides the dialogue. */
export interface DriverContext {
  caller: ModelCaller;
  target: Target;
  imageBaseDir?: string;
  /** Largest image file read (default 20 MiB). */
  imageMaxBytes?: number;
}

/** Plays a dialogue case against a target. */
export interface Driver {
  readonly name: string;
  play(dialogue: Dialogue, context: DriverContext): Promise<Transcript>;
}
