import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_FETCH_POLICY } from "../../dialogue/safe-fetch.ts";
import { InputError } from "../../errors.ts";
import { nestedDeeperThan } from "./json-depth.ts";
import { readGuardChatRequest } from "./openai-chat-request.ts";

// Bounded fuzzing of the guard's request parser: whatever a client sends, it either reads the
// request or throws an InputError that names the offending field; it never crashes with another
// error, and what it builds stays proportional to the input.
const OPTIONS = {
  fetchImages: false,
  fetchPolicy: DEFAULT_FETCH_POLICY,
  maxMessages: 50,
  maxTextChars: 20_000,
};

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("pipe bomb", "", "data:image/png;base64,AAAA"),
);
const role = fc.oneof(
  fc.constantFrom("system", "developer", "user", "assistant", "tool", "function"),
  fc.string({ maxLength: 8 }),
);
const part = fc.oneof(
  fc.record({ type: fc.constant("text"), text }),
  fc.record({ type: fc.constant("refusal"), refusal: text }),
  fc.record({ type: fc.constant("image_url"), image_url: fc.record({ url: text }) }),
  fc.record({ type: fc.string({ maxLength: 10 }) }),
  fc.jsonValue({ maxDepth: 3 }),
);
const message = fc.oneof(
  fc.record(
    {
      role,
      content: fc.oneof(text, fc.array(part, { maxLength: 4 }), fc.constant(null)),
      name: text,
      tool_calls: fc.jsonValue({ maxDepth: 4 }),
      function_call: fc.jsonValue({ maxDepth: 3 }),
      reasoning_content: fc.jsonValue({ maxDepth: 2 }),
      tool_call_id: text,
    },
    { requiredKeys: ["role"] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
const request = fc.oneof(
  fc.record(
    {
      model: fc.oneof(text, fc.integer()),
      messages: fc.oneof(fc.array(message, { maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
      stream: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
      n: fc.oneof(fc.constant(1), fc.integer()),
      tools: fc.jsonValue({ maxDepth: 5 }),
      response_format: fc.jsonValue({ maxDepth: 5 }),
      prediction: fc.jsonValue({ maxDepth: 3 }),
      modalities: fc.jsonValue({ maxDepth: 2 }),
      temperature: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
  fc.jsonValue({ maxDepth: 4 }),
);

function textSize(value: { moderation: { messages: { content: { type: string; text?: string }[] }[] } }) {
  let size = 0;
  for (const entry of value.moderation.messages)
    for (const item of entry.content) size += item.text?.length ?? 200;
  return size;
}

describe("the guard's request parser under fuzzing", () => {
  it("reads a request or names the field it refuses, never anything else", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (body) => {
        const size = JSON.stringify(body)?.length ?? 0;
        try {
          const read = await readGuardChatRequest(body, "fuzz", OPTIONS);
          // What the moderator is given is bounded by the input (labels add a little per field).
          expect(textSize(read)).toBeLessThanOrEqual(3 * size + 200 * read.moderation.messages.length + 100);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          expect(error.where ?? "").not.toBe("");
          expect(error.message.startsWith(`${error.where}: `)).toBe(true);
        }
      }),
      { numRuns: 400, seed: 12 },
    );
  });

  it("measures nesting exactly like a parse would", () => {
    const depthOf = (value: unknown): number =>
      typeof value === "object" && value !== null
        ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depthOf))
        : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 12 }), (value, limit) => {
        const json = JSON.stringify(value);
        expect(nestedDeeperThan(json, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
