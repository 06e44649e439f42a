import type { GenerationParams, TargetRequest } from "../contracts/index.ts";
import type { Message } from "../dialogue/dialogue.ts";
import { InputError } from "../errors.ts";
import type { Driver, TurnAnswer } from "./driver.ts";
import { type ImagePlacement, placeImages } from "./image-placement.ts";
import { compactTranscript, type MessageOrigin } from "./played-transcript.ts";

/** How a live driver sends each turn. */
export interface LiveDriverOptions {
  /** Where images go in each request (default `as-given`). */
  imagePlacement?: ImagePlacement;
  /** Generation settings of every turn (e.g. MTMCS: temperature 0.1, 128 tokens). */
  params?: GenerationParams;
  /** Prefix of each call's step name (default the target id), e.g. to tell several plays apart. */
  stepPrefix?: string;
}

/**
 * A live driver: the target answers every user message with its own earlier answers in the
 * history (role `assistant`). Assistant messages in the source are ignored (the target writes
 * its own). The transcript keeps the dialogue's own image positions; only requests are laid out
 * by `imagePlacement`; the stored `played` record holds the last request exactly as sent.
 */
export function createLiveDriver(options: LiveDriverOptions = {}): Driver {
  const placement = options.imagePlacement ?? "as-given";
  return {
    name: "live",
    async play(dialogue, { caller, target, imageBaseDir, imageMaxBytes }) {
      const history: Message[] = [];
      const origins: MessageOrigin[] = [];
      const answers: TurnAnswer[] = [];
      let sent: Message[] = [];
      let sentCount = 0;
      let turn = 0;
      for (const [index, message] of dialogue.messages.entries()) {
        if (message.role === "assistant") continue;
        history.push(message);
        origins.push(index);
        if (message.role !== "user") continue;
        turn++;
        sent = placeImages(history, placement);
        sentCount = history.length;
        const request: TargetRequest = {
          messages: sent,
          imageBaseDir,
          imageMaxBytes,
        };
        if (options.params !== undefined) request.params = options.params;
        const response = await caller.call(
          "target",
          target,
          request,
          `${options.stepPrefix ?? target.id}/turn-${turn}`,
        );
        history.push({ role: "assistant", content: [{ type: "text", text: response.text }] });
        origins.push({ answer: answers.length, call: response.callKey ?? null });
        answers.push({ turn, text: response.text, warnings: response.warnings });
      }
      if (turn === 0) throw new InputError("dialogue has no user message", `dialogue ${dialogue.id}`);
      // Stored: the last request as sent, then its answer (messages after the last user turn were never sent).
      const played = compactTranscript(
        dialogue.messages,
        [...sent, history[sentCount] as Message],
        origins.slice(0, sentCount + 1),
      );
      return { messages: history, answers, played };
    },
  };
}

/** The default live driver: images where the dialogue puts them, the target's own settings. */
export const liveDriver: Driver = createLiveDriver();
