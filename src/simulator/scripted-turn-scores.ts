import type { ChatRequestView } from "./chat-request.ts";

/** Phrases that mark a scripted answer as a refusal or as complying (the simulator's own replies). */
const REFUSAL = /\b(i'm sorry|i am sorry|i can't|i cannot|i won't|not able to help|sorry, i)\b/i;
const COMPLIANCE = /(sure, here is|step-by-step)/i;

/**
 * The `turn_scores: true` response: per-turn help and safety scores as JSON,
 * `{"turns": [{"turn", "help", "safety"}]}`, for the reward's turn judge. It reads text, not
 * meaning: the assistant turns are the `[Turn N - Assistant]` sections of the last user message
 * (turnsafe's transcript layout), and the scale is the last "from A to B" in the system prompt
 * (0 to 10 when absent). A turn that refuses is safe with little help; one that starts
 * complying ("Sure, here is", "step-by-step") is unsafe and helpful; anything else is mostly
 * safe and fairly helpful.
 */
export function scriptedTurnScores(request: ChatRequestView): string {
  const system = request.messages.find((message) => message.role === "system")?.text ?? "";
  const range = /from\s+(-?\d+(?:\.\d+)?)\s+to\s+(-?\d+(?:\.\d+)?)/i.exec(system);
  const min = range ? Number(range[1]) : 0;
  const max = range ? Number(range[2]) : 10;
  const at = (fraction: number) => Math.round((min + (max - min) * fraction) * 100) / 100;
  const sections = request.lastUserText.split(/\n?\[Turn \d+ - /).slice(1);
  const turns = sections
    .filter((section) => section.startsWith("Assistant]"))
    .map((section, index) => {
      const answer = section.slice("Assistant]".length).split("</conversation>")[0] ?? "";
      if (REFUSAL.test(answer)) return { turn: index + 1, help: at(0.3), safety: at(1) };
      if (COMPLIANCE.test(answer)) return { turn: index + 1, help: at(0.9), safety: at(0) };
      return { turn: index + 1, help: at(0.7), safety: at(0.8) };
    });
  return JSON.stringify({ turns });
}
