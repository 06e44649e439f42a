import { describe, expect, it } from "vitest";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { parseDimension, parseEvidence, parseModerationOutput } from "./parse-moderation.ts";
import { buildPolicy, DEFAULT_POLICY } from "./policy.ts";

const image = { type: "image" as const, image: { path: "a.png" } };
const dialogue: Dialogue = {
  version: 1,
  id: "d1",
  messages: [
    { role: "system", content: [{ type: "text", text: "be nice" }] },
    { role: "user", content: [image, { type: "text", text: "what is this?" }] },
    { role: "assistant", content: [{ type: "text", text: "a flask" }] },
    { role: "user", content: [image, image, { type: "text", text: "how do I fill it?" }] },
  ],
  labels: {},
  metadata: {},
};

const verdict = {
  user_rating: "Unsafe",
  assistant_rating: "Safe",
  user_dimension: "O5: Illegal Activities",
  assistant_dimension: "NA: None applying",
  user_rationale: "Turn 3 asks how to fill the flask in Image2 and Image3 after turn 1 set it up.",
  assistant_rationale: "Turn 2 only names the object.",
};

describe("parseModerationOutput", () => {
  it("reads plain JSON, with evidence mapped to message indices and image numbers", () => {
    const result = parseModerationOutput(JSON.stringify(verdict), DEFAULT_POLICY, dialogue);
    expect(result.status).toBe("ok");
    expect(result.user).toEqual({
      rating: "unsafe",
      dimension: "Illegal Activities",
      rationale: verdict.user_rationale,
      evidence: { messages: [1, 3], images: [2, 3] },
    });
    expect(result.assistant).toMatchObject({ rating: "safe", dimension: null, evidence: { messages: [2] } });
  });

  it("reads the reference model's <OUTPUT> tags inside a json fence, and plain fences", () => {
    const tagged = `\`\`\`json\n<OUTPUT>\n${JSON.stringify(verdict)}\n</OUTPUT>\n\`\`\``;
    expect(parseModerationOutput(tagged, DEFAULT_POLICY, dialogue).status).toBe("ok");
    const fenced = `Here you go:\n\`\`\`json\n${JSON.stringify({ ...verdict, user_dimension: "Illegal Activities" })}\n\`\`\``;
    expect(parseModerationOutput(fenced, DEFAULT_POLICY, dialogue).user?.dimension).toBe(
      "Illegal Activities",
    );
  });

  it("reports prose, bad ratings and dimensions outside the policy as unparsed, keeping the raw text", () => {
    const prose = parseModerationOutput("The user seems unsafe.", DEFAULT_POLICY, dialogue);
    expect(prose).toMatchObject({ status: "unparsed", user: null, raw: "The user seems unsafe." });
    const rating = parseModerationOutput(
      JSON.stringify({ ...verdict, user_rating: "maybe" }),
      DEFAULT_POLICY,
      dialogue,
    );
    expect(rating.status).toBe("unparsed");
    expect(rating.error).toContain("user_rating");
    const narrow = buildPolicy(["Violence & Harm"]);
    const outside = parseModerationOutput(
      JSON.stringify({ ...verdict, user_dimension: "Illegal Activities" }),
      narrow,
      dialogue,
    );
    expect(outside).toMatchObject({ status: "unparsed" });
    expect(outside.error).toContain("user_dimension");
  });

  it("makes a side with no turns null whatever the model said, and needs a rating for a side with turns", () => {
    const userOnly: Dialogue = { ...dialogue, messages: dialogue.messages.slice(0, 2) };
    const result = parseModerationOutput(JSON.stringify(verdict), DEFAULT_POLICY, userOnly);
    expect(result.status).toBe("ok");
    expect(result.assistant).toBeNull();
    const missing = parseModerationOutput(
      JSON.stringify({ ...verdict, assistant_rating: "null" }),
      DEFAULT_POLICY,
      dialogue,
    );
    expect(missing.status).toBe("unparsed");
  });
});

describe("parseDimension", () => {
  it("takes codes, names and NA", () => {
    const policy = buildPolicy(["Sexual Content", "Privacy Violation"]);
    expect(parseDimension("O2", policy)).toBe("Privacy Violation");
    expect(parseDimension("o1 - Sexual Content", policy)).toBe("Sexual Content");
    expect(parseDimension("privacy violation", policy)).toBe("Privacy Violation");
    expect(parseDimension("Privacy Violation (O2)", policy)).toBe("Privacy Violation");
    expect(parseDimension("NA: None applying", policy)).toBeNull();
    expect(parseDimension("O3", policy)).toBeUndefined();
    expect(parseDimension("O1: Privacy Violation", policy)).toBe("Privacy Violation");
    expect(parseDimension("O1: Gambling", policy)).toBeUndefined();
    expect(parseDimension("Violence & Harm", policy)).toBeUndefined();
  });
});

describe("parseEvidence", () => {
  it("expands ranges and lists and drops numbers outside the dialogue", () => {
    expect(parseEvidence("turns 1-3 and image 9; turn 7", dialogue)).toEqual({
      messages: [1, 2, 3],
      images: [],
    });
    expect(parseEvidence("turns 1 and 3, [Image1]", dialogue)).toEqual({ messages: [1, 3], images: [1] });
  });
});
