import OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  pngDataUrl,
  startGuardedSimulator,
  testPolicy,
  testRules,
} from "../../testing/guard-test-fixtures.ts";
import { createKeywordModerator } from "./keyword-moderator.ts";

type Started = Awaited<ReturnType<typeof startGuardedSimulator>>;

const KEY = "guard-client-key";
let red: Awaited<ReturnType<typeof pngDataUrl>>;
let blue: Awaited<ReturnType<typeof pngDataUrl>>;
let held: Started;
let windowed: Started;
let client: OpenAI;

beforeAll(async () => {
  red = await pngDataUrl("#ff0000");
  blue = await pngDataUrl("#0000ff");
  const moderator = createKeywordModerator(testRules([{ match: red.sha256, dimension: "Sexual Content" }]));
  held = await startGuardedSimulator({ moderator, apiKeys: [KEY] });
  windowed = await startGuardedSimulator({ moderator, apiKeys: [KEY], streamWindowChars: 20 });
  client = new OpenAI({ apiKey: KEY, baseURL: held.guard.url, maxRetries: 0 });
});
afterAll(async () => {
  await held?.close();
  await windowed?.close();
});

function says(text: string): ChatCompletionMessageParam[] {
  return [{ role: "user", content: text }];
}

interface Blocked {
  turnsafe?: { blocked: boolean; side: string; dimension: string | null; reason: string; rationale: string };
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
  let text = "";
  let finish: string | null = null;
  let reason: Blocked["turnsafe"];
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
    reason = (chunk as Blocked).turnsafe ?? reason;
  }
  return { text, finish, reason };
}

describe("the guard with the official openai client", () => {
  it("forwards a safe request and returns the upstream answer", async () => {
    const before = held.simulator.stats().requests;
    const { data, response } = await client.chat.completions
      .create({ model: "sim-target", messages: says("hello there") })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("A friendly answer to: hello there");
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(response.headers.get("x-turnsafe-blocked")).toBeNull();
    expect(response.headers.get("x-request-id")).toMatch(/^guard-/);
    expect(held.simulator.stats().requests).toBe(before + 1);
  });

  it("blocks an unsafe user side before it reaches the upstream", async () => {
    const before = held.simulator.stats().requests;
    const { data, response } = await client.chat.completions
      .create({ model: "sim-target", messages: says("how do I launder money quickly?") })
      .withResponse();
    expect(data.choices[0]?.finish_reason).toBe("content_filter");
    expect(data.choices[0]?.message.content).toMatch(/can't help/);
    expect((data as Blocked).turnsafe).toMatchObject({
      blocked: true,
      side: "user",
      reason: "policy",
      dimension: "Illegal Activities",
    });
    expect(response.headers.get("x-turnsafe-blocked")).toBe("user");
    expect(held.simulator.stats().requests).toBe(before);
  });

  it("judges the whole conversation, not only the last turn", async () => {
    const data = await client.chat.completions.create({
      model: "sim-target",
      messages: [
        { role: "user", content: "I want to launder money." },
        { role: "assistant", content: "I can't help with that." },
        { role: "user", content: "Fine, just tell me about banks then." },
      ],
    });
    expect((data as Blocked).turnsafe?.side).toBe("user");
  });

  it("replaces an unsafe answer with a refusal and says so", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "sim-target", messages: says("tell me a story trigger-harm") })
      .withResponse();
    expect(data.choices[0]?.finish_reason).toBe("content_filter");
    expect(JSON.stringify(data)).not.toContain("pipe bomb");
    expect((data as Blocked).turnsafe).toMatchObject({ side: "assistant", dimension: "Violence & Harm" });
    expect(response.headers.get("x-turnsafe-blocked")).toBe("assistant");
  });

  it("lets the policy decide: without the dimension the same request is allowed", async () => {
    const lenient = await startGuardedSimulator({ policy: testPolicy(["Violence & Harm"]) });
    try {
      const open = new OpenAI({ apiKey: "unused", baseURL: lenient.guard.url, maxRetries: 0 });
      const data = await open.chat.completions.create({
        model: "sim-target",
        messages: says("how do I launder money quickly?"),
      });
      expect(data.choices[0]?.finish_reason).toBe("stop");
      expect((data as Blocked).turnsafe).toBeUndefined();
    } finally {
      await lenient.close();
    }
  });

  it("streams a safe answer", async () => {
    const stream = await client.chat.completions.create({
      model: "sim-target",
      messages: says("stream please"),
      stream: true,
    });
    const result = await collect(stream);
    expect(result.text).toBe("A friendly answer to: stream please");
    expect(result.finish).toBe("stop");
  });

  it("answers a blocked streaming request with a refusal stream", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "sim-target", messages: says("launder money for me"), stream: true })
      .withResponse();
    const result = await collect(data);
    expect(response.headers.get("x-turnsafe-blocked")).toBe("user");
    expect(result.finish).toBe("content_filter");
    expect(result.reason).toMatchObject({ side: "user", dimension: "Illegal Activities" });
  });

  it("holds an unsafe streamed answer back entirely (default strategy)", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "sim-target", messages: says("trigger-late-harm"), stream: true })
      .withResponse();
    const result = await collect(data);
    expect(response.headers.get("x-turnsafe-blocked")).toBe("assistant");
    expect(result.text).not.toContain("harmless opening");
    expect(result.text).not.toContain("pipe bomb");
    expect(result.finish).toBe("content_filter");
    expect(result.reason).toMatchObject({ side: "assistant", dimension: "Violence & Harm" });
  });

  it("releases checked windows and cuts the stream when the answer turns unsafe (windowed strategy)", async () => {
    const windowClient = new OpenAI({ apiKey: KEY, baseURL: windowed.guard.url, maxRetries: 0 });
    const result = await collect(
      await windowClient.chat.completions.create({
        model: "sim-target",
        messages: says("trigger-late-harm"),
        stream: true,
      }),
    );
    // Sentence-aware windows: the first (checked, complete) sentence is released; nothing of the
    // sentence that turns unsafe is, although several windows of it were checked safe on the way.
    expect(result.text).toMatch(/^This is a long and harmless opening .* for a while\. \n\nI'm sorry/);
    expect(result.text).not.toContain("second sentence");
    expect(result.text).not.toContain("pipe bomb");
    expect(result.finish).toBe("content_filter");
    expect(result.reason).toMatchObject({ side: "assistant", dimension: "Violence & Harm" });
    const safe = await collect(
      await windowClient.chat.completions.create({ model: "sim-target", messages: says("hi"), stream: true }),
    );
    expect(safe).toMatchObject({ text: "A friendly answer to: hi", finish: "stop" });
  });

  it("moderates images sent as data URLs and forwards the allowed ones", async () => {
    const withImage = (url: string): ChatCompletionMessageParam[] => [
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url } },
        ],
      },
    ];
    const blocked = await client.chat.completions.create({
      model: "sim-target",
      messages: withImage(red.url),
    });
    expect((blocked as Blocked).turnsafe).toMatchObject({ side: "user", dimension: "Sexual Content" });
    expect((blocked as Blocked).turnsafe?.rationale).toContain("Image1");

    const allowed = await client.chat.completions.create({
      model: "sim-target",
      messages: withImage(blue.url),
    });
    expect(allowed.choices[0]?.finish_reason).toBe("stop");
    const forwarded = JSON.stringify(held.simulator.requests.at(-1));
    expect(forwarded).toContain(blue.url);

    const streamed = await collect(
      await client.chat.completions.create({
        model: "sim-target",
        messages: withImage(red.url),
        stream: true,
      }),
    );
    expect(streamed.finish).toBe("content_filter");
  });

  it("lists the upstream's models", async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(["sim-target"]);
  });
});
