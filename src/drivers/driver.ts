import type { ModelCaller, Target } from "../contracts/index.ts";
import type { Dialogue, Message } from "../dialogue/dialogue.ts";

/** One answer of the target during a case. */
export interface TurnAnswer {
  /** 1-based user turn the answer replies to. */
  turn: number;
  text: string;
  warnings: string[];
}

/** What a driver returns: the full conversation as played, and the answers it collected. */
export interface Transcript {
  messages: Message[];
  answers: TurnAnswer[];
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
