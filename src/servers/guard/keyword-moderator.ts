import { type Dialogue, messageText } from "../../dialogue/dialogue.ts";
import type { ModerationResult, Moderator, Verdict } from "../../moderators/moderator.ts";

/** A keyword (or image hash) that marks a side unsafe under a dimension. */
export interface KeywordRule {
  /** Case-insensitive substring of the side's text, or the sha256 of one of its images. */
  match: string;
  dimension: string;
}

/**
 * A scripted moderator for tests and benchmarks, not a real one: it flags a side when its
 * text contains a keyword (or carries an image with a listed hash) whose dimension is in the
 * policy, so dropping the dimension from the policy flips the verdict to safe, as the
 * moderator contract requires.
 */
export function createKeywordModerator(rules: readonly KeywordRule[], name = "keyword-moderator"): Moderator {
  const lowered = rules.map((rule) => ({ match: rule.match.toLowerCase(), dimension: rule.dimension }));
  return {
    name,
    async moderate(dialogue, policy): Promise<ModerationResult> {
      const inForce = new Set(policy.dimensions.map((dimension) => dimension.name));
      const active = lowered.filter((rule) => inForce.has(rule.dimension));
      return {
        status: "ok",
        user: judgeSide(dialogue, "user", active),
        assistant: judgeSide(dialogue, "assistant", active),
        raw: null,
        error: null,
      };
    },
  };
}

function judgeSide(
  dialogue: Dialogue,
  side: "user" | "assistant",
  rules: readonly KeywordRule[],
): Verdict | null {
  let seen = false;
  let imageNumber = 0;
  for (let index = 0; index < dialogue.messages.length; index++) {
    const message = dialogue.messages[index];
    if (!message) continue;
    const hashes: { hash: string; number: number }[] = [];
    for (const part of message.content)
      if (part.type === "image") hashes.push({ hash: part.image.sha256 ?? "", number: ++imageNumber });
    if (message.role !== side) continue;
    seen = true;
    const text = messageText(message).toLowerCase();
    for (const rule of rules) {
      const image = hashes.find((entry) => entry.hash === rule.match);
      if (!text.includes(rule.match) && !image) continue;
      return {
        rating: "unsafe",
        dimension: rule.dimension,
        rationale: image
          ? `turn ${index + 1} carries Image${image.number}, a listed unsafe image`
          : `turn ${index + 1} mentions "${rule.match}"`,
        evidence: { messages: [index], images: image ? [image.number] : [] },
        score: 1,
      };
    }
  }
  if (!seen) return null;
  return {
    rating: "safe",
    dimension: null,
    rationale: "no listed keyword",
    evidence: { messages: [], images: [] },
    score: 0,
  };
}
