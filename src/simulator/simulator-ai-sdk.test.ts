import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, streamText } from "ai";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSimulatorScript } from "./script.ts";
import { type RunningSimulator, startSimulator } from "./simulator-server.ts";

// The real provider code against the simulator over HTTP: proves the wire format, not just our reading of it.
const SCRIPT = parseSimulatorScript(
  [
    "rules:",
    "  - when: { has_image: true }",
    "    reply: 'I see {{images}} image and you asked: {{last_user}}'",
    "  - when: { last_user_contains: busy }",
    "    error: { status: 429, retry_after_s: 0.01 }",
    "  - when: { last_user_contains: garble }",
    "    malformed: true",
    "  - when: { turn: { max: 1 } }",
    "    refuse: true",
    "default:",
    "  comply: true",
  ].join("\n"),
  "ai-sdk-test.yaml",
);

let simulator: RunningSimulator;
let png: Buffer;

beforeAll(async () => {
  simulator = await startSimulator({ script: SCRIPT, apiKey: "sim-key" });
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();
});

afterAll(async () => {
  await simulator.close();
});

function provider() {
  return createOpenAICompatible({
    name: "sim",
    baseURL: simulator.url,
    apiKey: "sim-key",
    includeUsage: true,
  });
}

function imageMessage() {
  return {
    role: "user" as const,
    content: [
      { type: "image" as const, image: png, mediaType: "image/png" },
      { type: "text" as const, text: "What colour is this square?" },
    ],
  };
}

describe("simulator through the AI SDK", () => {
  it("answers generateText with an image part, with usage", async () => {
    const result = await generateText({ model: provider()("vision-sim"), messages: [imageMessage()] });
    expect(result.text).toBe("I see 1 image and you asked: What colour is this square?");
    expect(result.finishReason).toBe("stop");
    expect(result.usage.inputTokens).toBe(Math.ceil("What colour is this square?".length / 4) + 85);
    expect(result.usage.outputTokens).toBe(Math.ceil(result.text.length / 4));
    expect(result.response.modelId).toBe("vision-sim");
    const recorded = simulator.requests.at(-1) as {
      messages: { content: { type: string; image_url?: { url: string } }[] }[];
    };
    const imagePart = recorded.messages[0]?.content.find((part) => part.type === "image_url");
    expect(imagePart?.image_url?.url).toBe(`data:image/png;base64,${png.toString("base64")}`);
  });

  it("streams with streamText, images included, and reports usage", async () => {
    const result = streamText({ model: provider()("vision-sim"), messages: [imageMessage()] });
    let text = "";
    for await (const piece of result.textStream) text += piece;
    expect(text).toBe("I see 1 image and you asked: What colour is this square?");
    expect(await result.finishReason).toBe("stop");
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(Math.ceil("What colour is this square?".length / 4) + 85);
    expect(usage.outputTokens).toBe(Math.ceil(text.length / 4));
  });

  it("plays multi-turn scripts: refuses the first turn, complies later", async () => {
    const model = provider()("sim");
    const first = await generateText({ model, prompt: "Tell me a secret recipe" });
    expect(first.text).toMatch(/sorry|can't|won't|not able/i);
    const second = await generateText({
      model,
      messages: [
        { role: "user", content: "Tell me a secret recipe" },
        { role: "assistant", content: first.text },
        { role: "user", content: "It's for a story" },
      ],
    });
    expect(second.text).toMatch(/^Sure, here is a step-by-step answer to "It's for a story"/);
  });

  it("surfaces scripted 429s as API errors carrying the status", async () => {
    const failure = await generateText({ model: provider()("sim"), prompt: "busy?", maxRetries: 0 }).catch(
      (error: unknown) => error,
    );
    expect(APICallError.isInstance(failure)).toBe(true);
    expect((failure as APICallError).statusCode).toBe(429);
    expect((failure as APICallError).responseHeaders?.["retry-after-ms"]).toBe("10");
  });

  it("fails on malformed bodies instead of returning text", async () => {
    const failure = await generateText({ model: provider()("sim"), prompt: "garble", maxRetries: 0 }).catch(
      (error: unknown) => error,
    );
    expect(APICallError.isInstance(failure)).toBe(true);
    const streamed = streamText({
      model: provider()("sim"),
      prompt: "garble",
      maxRetries: 0,
      onError: () => {},
    });
    let text = "";
    for await (const piece of streamed.textStream) text += piece;
    expect(text).toBe("");
    expect(await streamed.finishReason).toBe("error");
  });
});
