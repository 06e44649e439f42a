import { modelMessageSchema } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { primePromptSchema } from "../bench/prime-prompt-schema.ts";

const prompt = [
  {
    role: "user",
    content: [
      { type: "image", image: new URL("data:image/png;base64,iVBORw0KGgo=") },
      { type: "text", text: "What is shown here?" },
    ],
  },
  { role: "assistant", content: "A rectangle." },
  { role: "user", content: "And how would I make one?" },
];

/** How many objects zod's memoizer inspects while checking a prompt the way generateText does. */
function walkedNodes(messages: unknown): number {
  const ownKeys = vi.spyOn(Reflect, "ownKeys");
  try {
    z.array(modelMessageSchema).safeParse(messages);
    return ownKeys.mock.calls.length;
  } finally {
    ownKeys.mockRestore();
  }
}

describe("primePromptSchema", () => {
  afterEach(() => vi.restoreAllMocks());

  it("stops the per-call walk over the message schema", () => {
    primePromptSchema();
    primePromptSchema();
    walkedNodes(prompt); // the first check settles the nodes it meets
    // Unprimed, every check walks the schema again: 41 nodes each time with zod 4.6.
    expect(walkedNodes(prompt)).toBe(0);
    expect(walkedNodes(prompt)).toBe(0);
  });

  it("leaves validation as it was", () => {
    primePromptSchema();
    expect(z.array(modelMessageSchema).safeParse(prompt).success).toBe(true);
    const bad = z.array(modelMessageSchema).safeParse([{ role: "user", content: [{ type: "image" }] }]);
    expect(bad.success).toBe(false);
    const withOptions = [{ role: "user", content: "hi", providerOptions: { openai: { user: "x" } } }];
    expect(z.array(modelMessageSchema).safeParse(withOptions).success).toBe(true);
  });
});
