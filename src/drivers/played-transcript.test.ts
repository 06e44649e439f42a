import { describe, expect, it } from "vitest";
import type { ModelCaller } from "../contracts/index.ts";
import type { Dialogue, Message } from "../dialogue/dialogue.ts";
import { scriptedTarget } from "../testing/test-target.ts";
import { createLiveDriver } from "./live-driver.ts";
import { compactTranscript, playedConversation } from "./played-transcript.ts";

const inline = { type: "image" as const, image: { base64: Buffer.from("png bytes").toString("base64") } };
const dialogue: Dialogue = {
  version: 1,
  id: "d",
  messages: [
    { role: "system", content: [{ type: "text", text: "Be brief." }] },
    { role: "user", content: [inline, { type: "text", text: "R1" }] },
    { role: "user", content: [{ type: "text", text: "R2" }] },
  ],
  labels: {},
  metadata: {},
};

/** A caller that answers each call and names it by its step, as the call executor does by work key. */
function keyedCaller(): { caller: ModelCaller; requests: Message[][] } {
  const requests: Message[][] = [];
  const caller: ModelCaller = {
    async call(_role, _target, request, step) {
      requests.push(request.messages);
      return {
        text: `to ${step}`,
        usage: { inputTokens: 1, outputTokens: 1 },
        finishReason: "stop",
        modelId: "m",
        warnings: [],
        callKey: `key:${step}`,
      };
    },
  };
  return { caller, requests };
}

describe("the played transcript of a live driver", () => {
  it("is the last request exactly as sent plus the answer, by reference, with each answer's call key", async () => {
    const { caller, requests } = keyedCaller();
    const driver = createLiveDriver({ imagePlacement: "reference" });
    const transcript = await driver.play(dialogue, { caller, target: scriptedTarget(() => "") });
    const resolved = playedConversation(dialogue, transcript);
    expect(resolved.asPlayed).toBe(true);
    expect(resolved.messages).toEqual([
      ...(requests.at(-1) ?? []),
      { role: "assistant", content: [{ type: "text", text: "to test:scripted/turn-2" }] },
    ]);
    // The photo moved to the last user turn: that message is stored by part reference; the others by index.
    expect(transcript.played).toEqual([
      0,
      { role: "user", content: [{ source: [1, 1] }] },
      { answer: 0, call: "key:test:scripted/turn-1" },
      { role: "user", content: [{ source: [1, 0] }, { source: [2, 0] }] },
      { answer: 1, call: "key:test:scripted/turn-2" },
    ]);
    expect(JSON.stringify(transcript.played)).not.toContain(inline.image.base64);
    expect(resolved.calls).toEqual([
      null,
      null,
      "key:test:scripted/turn-1",
      null,
      "key:test:scripted/turn-2",
    ]);
  });

  it("keeps an image it did not take from the source by reference, its inline bytes reduced to a hash", () => {
    const foreign: Message = { role: "user", content: [{ type: "image", image: { base64: "AAAA" } }] };
    const [stored] = compactTranscript(dialogue.messages, [foreign], [0]);
    expect(JSON.stringify(stored)).not.toContain("AAAA");
    expect(stored).toMatchObject({
      role: "user",
      content: [{ type: "image", image: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } }],
    });
  });
});
