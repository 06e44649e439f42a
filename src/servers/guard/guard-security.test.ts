import { createServer, type Server } from "node:http";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ModerationResult, Moderator } from "../../moderators/moderator.ts";
import { pngDataUrl, startGuardedSimulator, testRules } from "../../testing/guard-test-fixtures.ts";
import { createKeywordModerator } from "./keyword-moderator.ts";

type Started = Awaited<ReturnType<typeof startGuardedSimulator>>;
const started: Started[] = [];
async function start(options: Parameters<typeof startGuardedSimulator>[0] = {}): Promise<Started> {
  const running = await startGuardedSimulator(options);
  started.push(running);
  return running;
}
afterEach(async () => {
  for (const running of started.splice(0)) await running.close();
});

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function imageRequest(url: string) {
  return {
    model: "sim-target",
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "describe this" },
          { type: "image_url", image_url: { url } },
        ],
      },
    ],
  };
}

/** A local image server that must never be contacted by the guard. */
let imageServer: Server;
let imageHits = 0;
let imagePort = 0;
let png: Buffer;
beforeAll(async () => {
  png = (await pngDataUrl("#00ff00")).bytes;
  imageServer = createServer((_request, response) => {
    imageHits++;
    response.writeHead(200, { "content-type": "image/png" }).end(png);
  });
  await new Promise<void>((resolve) => imageServer.listen(0, "127.0.0.1", resolve));
  const address = imageServer.address();
  imagePort = typeof address === "object" && address ? address.port : 0;
});
afterAll(() => new Promise<void>((resolve) => imageServer.close(() => resolve())));

describe("guard authentication", () => {
  it("rejects requests without a valid key with an OpenAI-shaped 401", async () => {
    const { guard, simulator } = await start({ apiKeys: ["key-one", "key-two"] });
    const missing = await post(guard.url, { model: "m", messages: [{ role: "user", content: "hi" }] });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      error: { type: "authentication_error", code: "invalid_api_key" },
    });
    const wrong = new OpenAI({ apiKey: "key-three", baseURL: guard.url, maxRetries: 0 });
    await expect(
      wrong.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({ status: 401 });
    await expect(wrong.models.list()).rejects.toMatchObject({ status: 401 });
    expect((await fetch(`${guard.url.replace(/\/v1$/, "")}/metrics`)).status).toBe(401);
    expect(simulator.stats().requests).toBe(0);
    for (const key of ["key-one", "key-two"]) {
      const ok = new OpenAI({ apiKey: key, baseURL: guard.url, maxRetries: 0 });
      const data = await ok.chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(data.choices[0]?.finish_reason).toBe("stop");
    }
    expect((await fetch(`${guard.url.replace(/\/v1$/, "")}/health`)).status).toBe(200);
  });
});

describe("guard request limits", () => {
  it("answers 413 to a body over the limit, before moderating or forwarding", async () => {
    const { guard, simulator } = await start({ maxBodyBytes: 1024 * 1024 });
    const big = { model: "m", messages: [{ role: "user", content: "x".repeat(2 * 1024 * 1024) }] };
    const response = await post(guard.url, big);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "request_too_large" } });
    const client = new OpenAI({ apiKey: "k", baseURL: guard.url, maxRetries: 0 });
    await expect(client.chat.completions.create(big as never)).rejects.toMatchObject({ status: 413 });
    expect(simulator.stats().requests).toBe(0);
    const small = await post(guard.url, { model: "m", messages: [{ role: "user", content: "hi" }] });
    expect(small.status).toBe(200);
  });

  it("rejects what it cannot moderate with a 400 naming the field", async () => {
    const { guard } = await start();
    const audio = await post(guard.url, {
      model: "m",
      messages: [
        { role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] },
      ],
    });
    expect(audio.status).toBe(400);
    expect(await audio.json()).toMatchObject({ error: { param: "messages[0].content[0]" } });
    expect((await post(guard.url, "{not json")).status).toBe(400);
    expect(
      (await post(guard.url, { model: "m", messages: [{ role: "user", content: "hi" }], n: 2 })).status,
    ).toBe(400);
  });
});

describe("guard image URLs (SSRF)", () => {
  it("does not fetch image URLs unless told to", async () => {
    const { guard, simulator } = await start();
    const response = await post(guard.url, imageRequest(`http://127.0.0.1:${imagePort}/cat.png`));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /does not fetch image URLs/,
    );
    expect(imageHits).toBe(0);
    expect(simulator.stats().requests).toBe(0);
  });

  it("refuses private, loopback and link-local addresses even with fetching on", async () => {
    const { guard, simulator } = await start({ fetchImages: true });
    const client = new OpenAI({ apiKey: "k", baseURL: guard.url, maxRetries: 0 });
    for (const url of [
      `http://127.0.0.1:${imagePort}/cat.png`,
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      `http://[::1]:${imagePort}/cat.png`,
      `http://localhost:${imagePort}/cat.png`,
      `http://10.0.0.7:${imagePort}/cat.png`,
    ]) {
      const response = await post(guard.url, imageRequest(url));
      expect(response.status, url).toBe(400);
      const body = (await response.json()) as { error: { message: string; param: string } };
      expect(body.error.message, url).toMatch(/image URL refused: .*(non-public address)/);
      expect(body.error.param).toBe("messages[0].content[1].image_url.url");
      await expect(client.chat.completions.create(imageRequest(url) as never)).rejects.toMatchObject({
        status: 400,
      });
    }
    expect(imageHits).toBe(0);
    expect(simulator.stats().requests).toBe(0);
  });

  it("forwards the bytes it moderated, not the URL, when a fetch is allowed", async () => {
    // Widening the address check is for this test only: it stands in for a public image host.
    const { guard, simulator } = await start({
      fetchImages: true,
      imageFetchPolicy: { isAddressAllowed: () => true },
    });
    const hitsBefore = imageHits;
    const response = await post(guard.url, imageRequest(`http://127.0.0.1:${imagePort}/cat.png`));
    expect(response.status).toBe(200);
    expect(imageHits).toBe(hitsBefore + 1);
    const forwarded = JSON.stringify(simulator.requests.at(-1));
    expect(forwarded).toContain(`data:image/png;base64,${png.toString("base64")}`);
    expect(forwarded).not.toContain(`127.0.0.1:${imagePort}`);
  });
});

function failingModerator(result: () => Promise<ModerationResult>): Moderator {
  return { name: "down", moderate: () => result() };
}

describe("guard when the moderator fails", () => {
  const down = failingModerator(() => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:9")));

  it("fails closed by default: blocked, reason 'moderator unavailable', nothing forwarded", async () => {
    const { guard, simulator } = await start({ moderator: down });
    const client = new OpenAI({ apiKey: "k", baseURL: guard.url, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hello" }] })
      .withResponse();
    expect(data.choices[0]?.finish_reason).toBe("content_filter");
    expect((data as unknown as { turnsafe: unknown }).turnsafe).toMatchObject({
      blocked: true,
      side: "user",
      reason: "moderator unavailable",
      rationale: "moderator unavailable",
    });
    expect(JSON.stringify(data)).not.toContain("ECONNREFUSED");
    expect(response.headers.get("x-turnsafe-blocked")).toBe("user");
    expect(simulator.stats().requests).toBe(0);
    const metrics = await (await fetch(`${guard.url.replace(/\/v1$/, "")}/metrics`)).text();
    expect(metrics).toContain('turnsafe_guard_moderator_errors_total{side="user"} 1');
    expect(metrics).toContain('turnsafe_guard_blocked_total{side="user"} 1');
  });

  it("treats unparsed results, missing verdicts and timeouts as failures too", async () => {
    const unparsed = failingModerator(async () => ({
      status: "unparsed",
      user: null,
      assistant: null,
      raw: "??",
      error: null,
    }));
    const silent = failingModerator(async () => ({
      status: "ok",
      user: null,
      assistant: null,
      raw: null,
      error: null,
    }));
    const hanging = failingModerator(() => new Promise<never>(() => undefined));
    for (const moderator of [unparsed, silent, hanging]) {
      const { guard, simulator } = await start({ moderator, moderationTimeoutMs: 50 });
      const response = await post(guard.url, { model: "m", messages: [{ role: "user", content: "hello" }] });
      const body = (await response.json()) as { turnsafe: { reason: string } };
      expect(body.turnsafe.reason).toBe("moderator unavailable");
      expect(simulator.stats().requests).toBe(0);
    }
  });

  it("fails open when configured, and says so in a header", async () => {
    const { guard, simulator } = await start({ moderator: down, failOpen: true });
    const response = await post(guard.url, { model: "m", messages: [{ role: "user", content: "hello" }] });
    const body = (await response.json()) as { choices: { finish_reason: string }[] };
    expect(body.choices[0]?.finish_reason).toBe("stop");
    expect(response.headers.get("x-turnsafe-moderation")).toBe("failed-open");
    expect(simulator.stats().requests).toBe(1);
  });

  it("still blocks by verdict when failing open", async () => {
    const { guard } = await start({ moderator: createKeywordModerator(testRules()), failOpen: true });
    const response = await post(guard.url, {
      model: "m",
      messages: [{ role: "user", content: "launder money" }],
    });
    expect(response.headers.get("x-turnsafe-blocked")).toBe("user");
  });
});
