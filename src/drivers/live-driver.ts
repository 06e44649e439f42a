import type { Message } from "../dialogue/dialogue.ts";
import { InputError } from "../errors.ts";
import type { Driver, TurnAnswer } from "./driver.ts";

/**
 * Plays each user turn live: the target answers every user message with its own earlier
 * answers in the history. Assistant messages in the source are ignored (the target writes its own).
 */
export const liveDriver: Driver = {
  name: "live",
  async play(dialogue, { caller, target, imageBaseDir }) {
    const history: Message[] = [];
    const answers: TurnAnswer[] = [];
    let turn = 0;
    for (const message of dialogue.messages) {
      if (message.role === "assistant") continue;
      history.push(message);
      if (message.role !== "user") continue;
      turn++;
      const response = await caller.call(
        "target",
        target,
        { messages: [...history], imageBaseDir },
        `${target.id}/turn-${turn}`,
      );
      history.push({ role: "assistant", content: [{ type: "text", text: response.text }] });
      answers.push({ turn, text: response.text, warnings: response.warnings });
    }
    if (turn === 0) throw new InputError("dialogue has no user message", `dialogue ${dialogue.id}`);
    return { messages: history, answers };
  },
};
