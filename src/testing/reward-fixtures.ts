import type { ModelCaller } from "../contracts/index.ts";
import { type Message, messageText } from "../dialogue/dialogue.ts";
import type { TurnScoreJudge, TurnScoreResult } from "../judges/turn-score-judge.ts";

/** A judge that reads `safety=X help=Y` from each assistant turn; `FAIL` in a turn makes it error. */
export interface ScriptedTurnJudge extends TurnScoreJudge {
  /** Rollouts it was asked to score. */
  calls: number;
  /** Images it was shown, over all calls. */
  images: number;
}

export function scriptedTurnJudge(delayMs = 0): ScriptedTurnJudge {
  const judge: ScriptedTurnJudge = {
    name: "scripted-turns",
    calls: 0,
    images: 0,
    async score(messages: readonly Message[]): Promise<TurnScoreResult> {
      judge.calls++;
      for (const message of messages)
        judge.images += message.content.filter((part) => part.type === "image").length;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const answers = messages.filter((message) => message.role === "assistant").map(messageText);
      if (answers.some((text) => text.includes("FAIL")))
        return { status: "errored", scores: null, error: "scripted judge failure", raw: null };
      const read = (text: string, field: string) =>
        Number(new RegExp(`${field}=([\\d.]+)`).exec(text)?.[1] ?? 0.5);
      return {
        status: "ok",
        scores: {
          help: answers.map((text) => read(text, "help")),
          safety: answers.map((text) => read(text, "safety")),
        },
        error: null,
        raw: null,
      };
    },
  };
  return judge;
}

/** A caller no scripted judge uses. */
export const UNUSED_CALLER: ModelCaller = {
  call: () => Promise.reject(new Error("no model calls expected")),
};

/** An OpenAI-style rollout: one user turn per answer, each answer `safety=s help=h`. */
export function rollout(turns: readonly [number, number][], prefix = "q"): unknown[] {
  return turns.flatMap(([safety, help], index) => [
    { role: "user", content: `${prefix} turn ${index + 1}` },
    { role: "assistant", content: `answer safety=${safety} help=${help}` },
  ]);
}
