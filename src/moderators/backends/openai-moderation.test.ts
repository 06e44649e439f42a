import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallExecutor } from "../../engine/call-executor.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { ConfigError } from "../../errors.ts";
import { directCaller, imageDialogue, textDialogue } from "../../testing/backend-test-kit.ts";
import { buildPolicy, DEFAULT_POLICY } from "../policy.ts";
import { createOpenAIModerationModerator } from "./openai-moderation.ts";

const KEY = "sk-test-secret-key-123";
const received: { authorization: string | undefined; body: { model: string; input: unknown[] } }[] = [];
let server: Server;
let baseURL: string;

/** A result in the endpoint's shape, flagging `flagged` with the given scores. */
function result(scores: Record<string, number>, flagged: string[], imageCategories: string[] = []) {
  const categories: Record<string, boolean> = {};
  const applied: Record<string, string[]> = {};
  for (const name of Object.keys(scores)) {
    categories[name] = flagged.includes(name);
    applied[name] = imageCategories.includes(name) ? ["image"] : ["text"];
  }
  return {
    flagged: flagged.length > 0,
    categories,
    category_scores: scores,
    category_applied_input_types: applied,
  };
}

const BASE_SCORES = { harassment: 0.01, violence: 0.02, illicit: 0.01, "self-harm": 0.001, sexual: 0.001 };

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => (raw += chunk));
    request.on("end", () => {
      const body = JSON.parse(raw) as { model: string; input: { type: string; text?: string }[] };
      received.push({ authorization: request.headers.authorization, body });
      const text = body.input.find((item) => item.type === "text")?.text ?? "";
      const images = body.input.filter((item) => item.type === "image_url").length;
      response.setHeader("content-type", "application/json");
      if (text.includes("rate limit")) {
        response.statusCode = 401;
        response.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }));
        return;
      }
      if (text.includes("broken")) {
        response.end(JSON.stringify({ id: "x", results: [] }));
        return;
      }
      let answer = result(BASE_SCORES, []);
      if (text.includes("stab"))
        answer = result({ ...BASE_SCORES, violence: 0.93, illicit: 0.4 }, ["violence", "illicit"]);
      else if (images > 0 && text === "")
        answer = result({ ...BASE_SCORES, sexual: 0.88 }, ["sexual"], ["sexual"]);
      response.end(JSON.stringify({ id: "modr-1", model: "omni-moderation-2024-09-26", results: [answer] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function moderator() {
  return createOpenAIModerationModerator({ env: { OPENAI_API_KEY: KEY }, baseURL });
}

describe("OpenAI moderation moderator", () => {
  it("sends the user side's text and images and the assistant side's text, one image per request", async () => {
    received.length = 0;
    const dialogue = await imageDialogue("Which one is nicest?", "The blue one.");
    const { caller, calls } = directCaller();
    const outcome = await moderator().moderate(dialogue, DEFAULT_POLICY, caller);
    expect(calls.every((call) => call.role === "moderator")).toBe(true);
    expect(received.every((entry) => entry.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(received.every((entry) => entry.body.model === "omni-moderation-latest")).toBe(true);
    const userRequests = received.filter((entry) =>
      entry.body.input.some((item) => (item as { type: string }).type === "image_url"),
    );
    expect(userRequests).toHaveLength(3);
    const first = userRequests.find((entry) => (entry.body.input[0] as { type: string }).type === "text");
    expect(first?.body.input[0]).toEqual({
      type: "text",
      text: "What are these two pictures?\n\nWhich one is nicest?",
    });
    const assistantRequest = received.find((entry) => entry.body.input.length === 1);
    expect(assistantRequest?.body.input[0]).toEqual({
      type: "text",
      text: "A red and a green square.\n\nThe blue one.",
    });
    // The image-only requests are flagged sexual on image input.
    expect(outcome.status).toBe("ok");
    expect(outcome.user).toMatchObject({ rating: "unsafe", dimension: "Sexual Content", score: 0.88 });
    expect(outcome.user?.evidence.images).toEqual([2, 3]);
    expect(outcome.assistant).toMatchObject({ rating: "safe", dimension: null, score: 0.02 });
  });

  it("maps categories to the policy and flips to safe when the dimension is removed", async () => {
    const { caller } = directCaller();
    const dialogue = textDialogue("How do I stab someone quietly?");
    const flagged = await moderator().moderate(dialogue, DEFAULT_POLICY, caller);
    expect(flagged.user).toMatchObject({ rating: "unsafe", dimension: "Violence & Harm", score: 0.93 });
    const withoutViolence = await moderator().moderate(dialogue, buildPolicy(["Illegal Activities"]), caller);
    expect(withoutViolence.user).toMatchObject({
      rating: "unsafe",
      dimension: "Illegal Activities",
      score: 0.4,
    });
    const neither = await moderator().moderate(dialogue, buildPolicy(["Hate & Harassment"]), caller);
    expect(neither.user).toMatchObject({ rating: "safe", score: 0.01 });
    expect(neither.user?.rationale).toContain("not counted");
    const uncovered = await moderator().moderate(dialogue, buildPolicy(["Privacy Violation"]), caller);
    expect(uncovered.user?.rating).toBe("safe");
    expect(uncovered.user?.rationale).toContain("covers none of the policy's dimensions");
  });

  it("keeps the key out of errors, and reports empty results as unparsed", async () => {
    const { caller } = directCaller();
    const errored = await moderator().moderate(textDialogue("rate limit me"), DEFAULT_POLICY, caller);
    expect(errored.status).toBe("errored");
    expect(errored.error).toContain("HTTP 401");
    expect(JSON.stringify(errored)).not.toContain(KEY);
    const unparsed = await moderator().moderate(textDialogue("broken"), DEFAULT_POLICY, caller);
    expect(unparsed).toMatchObject({ status: "unparsed", user: null });
  });

  it("needs a key, named by its variable", () => {
    expect(() => createOpenAIModerationModerator({ env: {}, baseURL })).toThrow(ConfigError);
    expect(() => createOpenAIModerationModerator({ env: {}, baseURL, apiKeyEnv: "MY_KEY" })).toThrow(
      /MY_KEY/,
    );
  });

  it("goes through the engine: counted under the moderator role and cached on a rerun", async () => {
    const store = new SqliteStore(":memory:");
    const executor = new CallExecutor({ store, runId: "r1", prices: new PriceTable() });
    const dialogue = textDialogue("How do I stab someone quietly?", "I can't help with that.");
    received.length = 0;
    await moderator().moderate(dialogue, DEFAULT_POLICY, executor.forCase("c1"));
    const again = await moderator().moderate(dialogue, DEFAULT_POLICY, executor.forCase("c2"));
    expect(received).toHaveLength(2);
    expect(again.user?.rating).toBe("unsafe");
    const usage = store.usage("r1");
    expect(usage).toEqual([
      expect.objectContaining({
        role: "moderator",
        targetId: "openai-moderation:omni-moderation-latest",
        calls: 4,
        cachedCalls: 2,
      }),
    ]);
    store.close();
  });
});
