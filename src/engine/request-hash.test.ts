import { describe, expect, it } from "vitest";
import type { Target, TargetRequest } from "../contracts/index.ts";
import type { Message } from "../dialogue/dialogue.ts";
import { ImageHasher, requestHash } from "./request-hash.ts";

const target = {
  fingerprint: '{"model":"m","provider":"openai"}',
  params: { temperature: 0, maxOutputTokens: 64 },
} as unknown as Target;

const messages: Message[] = [
  { role: "system", content: [{ type: "text", text: 'Be "careful"\n\u2028ok' }] },
  {
    role: "user",
    content: [
      { type: "image", image: { sha256: "a".repeat(64) } },
      { type: "text", text: "what is this? é 😀" },
    ],
  },
  {
    role: "assistant",
    content: [
      { type: "text", text: "a" },
      { type: "text", text: "b" },
    ],
  },
  { role: "user", content: [{ type: "image", image: { base64: "iVBORw0KGgo=" } }] },
];

const hash = (request: Partial<TargetRequest>, on: Target = target) =>
  requestHash(on, { messages, ...request } as TargetRequest, new ImageHasher());

describe("requestHash", () => {
  it("keeps the hash format that stored answers are keyed by", async () => {
    // Computed when the format was set; a change here orphans every cached answer in users' stores.
    expect(await hash({ params: { topP: 0.5, temperature: 0.2 } })).toBe(
      "7b0f902e88c01080f49e7a0991aeb35edcccba7c1a230afedd99d2601268ef24",
    );
  });

  it("ignores parameter order and tells apart what changes the answer", async () => {
    const base = await hash({ params: { topP: 0.5, temperature: 0.2 } });
    expect(await hash({ params: { temperature: 0.2, topP: 0.5 } })).toBe(base);
    expect(await hash({ params: { topP: 0.5, temperature: 0.3 } })).not.toBe(base);
    const moved = messages.map((message) => ({ ...message, content: [...message.content].reverse() }));
    expect(await hash({ messages: moved, params: { topP: 0.5, temperature: 0.2 } })).not.toBe(base);
    const other = { ...target, fingerprint: '{"model":"n","provider":"openai"}' } as Target;
    expect(await hash({ params: { topP: 0.5, temperature: 0.2 } }, other)).not.toBe(base);
  });

  it("gives samples 2..n of a repeated case their own hash, and sample 1 the plain one", async () => {
    const request = { messages } as TargetRequest;
    const plain = await requestHash(target, request, new ImageHasher());
    expect(await requestHash(target, request, new ImageHasher(), 1)).toBe(plain);
    const second = await requestHash(target, request, new ImageHasher(), 2);
    const third = await requestHash(target, request, new ImageHasher(), 3);
    expect(new Set([plain, second, third]).size).toBe(3);
  });
});
