import { describe, expect, it } from "vitest";
import type { Dialogue, Message } from "../dialogue/dialogue.ts";
import { scriptedCaller } from "../testing/scripted-caller.ts";
import { scriptedTarget } from "../testing/test-target.ts";
import { placeImages } from "./image-placement.ts";
import { createLiveDriver } from "./live-driver.ts";

const photo = { type: "image" as const, image: { path: "photo.png" } };
const history: Message[] = [
  { role: "user", content: [photo, { type: "text", text: "R1" }] },
  { role: "assistant", content: [{ type: "text", text: "A1" }] },
  { role: "user", content: [{ type: "text", text: "R2" }] },
  { role: "assistant", content: [{ type: "text", text: "A2" }] },
  { role: "user", content: [{ type: "text", text: "R3" }] },
];

const imagesPerMessage = (messages: Message[]) =>
  messages.map((message) => message.content.filter((part) => part.type === "image").length);

describe("placeImages", () => {
  it("reference: the photo on the latest user message only", () => {
    const placed = placeImages(history, "reference");
    expect(imagesPerMessage(placed)).toEqual([0, 0, 0, 0, 1]);
    expect(placed[4]?.content).toEqual([photo, { type: "text", text: "R3" }]);
    expect(placed[0]?.content).toEqual([{ type: "text", text: "R1" }]);
  });

  it("every-turn and first-message-only", () => {
    expect(imagesPerMessage(placeImages(history, "every-turn"))).toEqual([1, 0, 1, 0, 1]);
    expect(imagesPerMessage(placeImages(history, "first-message-only"))).toEqual([1, 0, 0, 0, 0]);
    expect(placeImages(history, "as-given")).toEqual(history);
  });

  it("leaves image-free conversations alone", () => {
    const textOnly: Message[] = [{ role: "user", content: [{ type: "text", text: "hi" }] }];
    expect(placeImages(textOnly, "reference")).toEqual(textOnly);
  });
});

describe("createLiveDriver", () => {
  it("answers each turn with the target's own answers as assistant turns, re-placing the photo per call", async () => {
    const dialogue: Dialogue = {
      version: 1,
      id: "d",
      messages: history.filter((message) => message.role === "user"),
      labels: {},
      metadata: {},
    };
    let call = 0;
    const { caller, calls } = scriptedCaller(() => `answer ${++call}`);
    const driver = createLiveDriver({
      imagePlacement: "reference",
      params: { temperature: 0.1, maxOutputTokens: 128 },
      stepPrefix: "arm",
    });
    const transcript = await driver.play(dialogue, { caller, target: scriptedTarget(() => "") });
    expect(transcript.answers.map((answer) => answer.text)).toEqual(["answer 1", "answer 2", "answer 3"]);
    expect(calls.map((recorded) => recorded.step)).toEqual(["arm/turn-1", "arm/turn-2", "arm/turn-3"]);
    const third = defined(calls[2]?.request);
    expect(third.params).toEqual({ temperature: 0.1, maxOutputTokens: 128 });
    expect(third.messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
    expect(imagesPerMessage(third.messages)).toEqual([0, 0, 0, 0, 1]);
    expect(third.messages[1]?.content).toEqual([{ type: "text", text: "answer 1" }]);
    // The transcript keeps the dialogue's own layout (photo on the first turn).
    expect(imagesPerMessage(transcript.messages)).toEqual([1, 0, 0, 0, 0, 0]);
  });
});

/** The value, failing the test when it is missing. */
function defined<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}
