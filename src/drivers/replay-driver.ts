import { userTurnCount } from "../dialogue/dialogue.ts";
import { InputError } from "../errors.ts";
import type { Driver } from "./driver.ts";
import type { PlayedMessage } from "./played-transcript.ts";

/**
 * Static-history replay (SafeMT): the stored conversation, assistant turns included, is sent
 * as it is and the target answers only the final user message.
 */
export const replayDriver: Driver = {
  name: "replay",
  async play(dialogue, { caller, target, imageBaseDir, imageMaxBytes }) {
    const last = dialogue.messages.at(-1);
    if (last?.role !== "user")
      throw new InputError("a replayed dialogue must end with a user message", `dialogue ${dialogue.id}`);
    const turn = userTurnCount(dialogue.messages);
    const response = await caller.call(
      "target",
      target,
      { messages: dialogue.messages, imageBaseDir, imageMaxBytes },
      `${target.id}/final`,
    );
    const messages = [
      ...dialogue.messages,
      { role: "assistant" as const, content: [{ type: "text" as const, text: response.text }] },
    ];
    // The static history is sent unchanged: stored as indices into the dialogue, then the answer.
    const played: PlayedMessage[] = [
      ...dialogue.messages.map((_, index) => index),
      { answer: 0, call: response.callKey ?? null },
    ];
    return { messages, answers: [{ turn, text: response.text, warnings: response.warnings }], played };
  },
};
