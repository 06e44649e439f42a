import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseSimulatorScript } from "./script.ts";
import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from "./simulator-server.ts";

const SCRIPT = parseSimulatorScript(
  [
    "seed: 1",
    "models: [sim-a, sim-b]",
    "rules:",
    "  - { name: rate, when: { last_user_contains: rate-limit }, error: { status: 429, retry_after_s: 2, message: slow down } }",
    "  - { name: broken, when: { last_user_contains: server-error }, error: { status: 500 } }",
    "  - { name: garbled, when: { last_user_contains: malformed }, malformed: true }",
    "  - { name: stall, when: { last_user_contains: stall }, timeout: true }",
    "  - { name: short-stall, when: { last_user_contains: brief }, timeout: { hold_ms: 20 } }",
    "  - { name: echo, when: { last_user_contains: echo }, reply: 'you said: {{last_user}}' }",
    "default:",
    "  comply: true",
  ].join("\n"),
  "server-test.yaml",
);

interface CompletionJson {
  id: string;
  created: number;
  choices: { message: { content: string }; finish_reason: string }[];
  usage: { completion_tokens: number };
}
interface ErrorJson {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const running: RunningSimulator[] = [];
afterEach(async () => {
  for (const simulator of running.splice(0)) await simulator.close();
});

async function start(options: Partial<StartSimulatorOptions> = {}): Promise<RunningSimulator> {
  const simulator = await startSimulator({ script: SCRIPT, ...options });
  running.push(simulator);
  return simulator;
}

function chat(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: init.signal,
  });
}

function userSays(text: string, extra: Record<string, unknown> = {}) {
  return { model: "sim-a", messages: [{ role: "user", content: text }], ...extra };
}

function parseSse(text: string): { events: Record<string, unknown>[]; done: boolean } {
  const payloads = text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length));
  const done = payloads.at(-1) === "[DONE]";
  return {
    events: payloads.filter((payload) => payload !== "[DONE]").map((payload) => JSON.parse(payload)),
    done,
  };
}

describe("simulator server", () => {
  it("answers a chat completion with usage and the simulator's labels", async () => {
    const simulator = await start();
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const response = await chat(simulator.url, userSays("echo hello there"));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-turnsafe-simulator")).toBe("1");
    const body = (await response.json()) as CompletionJson;
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "sim-a",
      system_fingerprint: "turnsafe-simulator",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "you said: echo hello there" },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 7, total_tokens: 11 },
    });
    expect(typeof body.id).toBe("string");
    expect(typeof body.created).toBe("number");
    expect(simulator.stats()).toMatchObject({ requests: 1, replies: 1, bySource: { echo: 1 } });
    expect(simulator.requests).toEqual([userSays("echo hello there")]);
  });

  it("streams SSE chunks that add up to the reply, with usage when asked", async () => {
    const simulator = await start();
    const response = await chat(
      simulator.url,
      userSays("please help", { stream: true, stream_options: { include_usage: true } }),
    );
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const { events, done } = parseSse(await response.text());
    expect(done).toBe(true);
    type Chunk = { choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[] };
    const chunks = events as Chunk[];
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toMatch(/^Sure, here is a step-by-step answer to "please help"/);
    expect(chunks.length).toBeGreaterThan(5);
    const finishing = chunks.filter((chunk) => chunk.choices[0]?.finish_reason);
    expect(finishing.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual(["stop"]);
    expect(events.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 3 } });

    const withoutUsage = parseSse(await (await chat(simulator.url, userSays("hi", { stream: true }))).text());
    expect(withoutUsage.events.some((event) => "usage" in event)).toBe(false);
  });

  it("cuts replies at max_tokens with finish_reason length", async () => {
    const simulator = await start();
    const body = (await (
      await chat(simulator.url, userSays("hello", { max_tokens: 3 }))
    ).json()) as CompletionJson;
    expect(body.choices[0]?.message.content).toHaveLength(12);
    expect(body.choices[0]?.finish_reason).toBe("length");
    expect(body.usage.completion_tokens).toBe(3);
  });

  it("sends scripted errors in OpenAI's shape, 429 with Retry-After", async () => {
    const simulator = await start();
    const limited = await chat(simulator.url, userSays("rate-limit me"));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.headers.get("retry-after-ms")).toBe("2000");
    expect(await limited.json()).toEqual({
      error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" },
    });
    const failed = await chat(simulator.url, userSays("server-error"));
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as ErrorJson).error.type).toBe("server_error");
    expect(simulator.stats()).toMatchObject({ errors: 2, errorsByStatus: { 429: 1, 500: 1 } });
  });

  it("sends malformed bodies with status 200", async () => {
    const simulator = await start();
    const plain = await chat(simulator.url, userSays("malformed"));
    expect(plain.status).toBe(200);
    const text = await plain.text();
    expect(() => JSON.parse(text)).toThrow();
    const streamed = await (await chat(simulator.url, userSays("malformed", { stream: true }))).text();
    expect(streamed).not.toContain("[DONE]");
    expect(() => parseSse(streamed)).toThrow();
    expect(simulator.stats().malformed).toBe(2);
  });

  it("holds a timeout until the client gives up, or answers 504 after the hold", async () => {
    const simulator = await start();
    const controller = new AbortController();
    const held = chat(simulator.url, userSays("stall"), { signal: controller.signal });
    await waitUntil(() => simulator.stats().inFlight === 1);
    controller.abort();
    await expect(held).rejects.toThrow();
    await waitUntil(() => simulator.stats().inFlight === 0);
    expect(simulator.stats().timeouts).toBe(1);

    const brief = await chat(simulator.url, userSays("brief"));
    expect(brief.status).toBe(504);
  });

  it("closes promptly with requests held open and frees the port", async () => {
    const simulator = await startSimulator({ script: SCRIPT });
    const held = chat(simulator.url, userSays("stall")).then(
      (response) => response.status,
      () => "dropped",
    );
    await waitUntil(() => simulator.stats().inFlight === 1);
    await simulator.close();
    expect([503, "dropped"]).toContain(await held);
    await expect(canListen(simulator.port)).resolves.toBe(true);
  });

  it("rejects bad requests with OpenAI-shaped 400s", async () => {
    const simulator = await start();
    const badJson = await chat(simulator.url, "{not json");
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as ErrorJson).error).toMatchObject({ type: "invalid_request_error" });
    const noMessages = await chat(simulator.url, { model: "sim-a", messages: [] });
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as ErrorJson).error).toMatchObject({
      param: "messages",
      type: "invalid_request_error",
    });
    expect(simulator.stats()).toMatchObject({ invalid: 2, requests: 0 });
  });

  it("requires the bearer key when one is set, without echoing it", async () => {
    const simulator = await start({ apiKey: "sk-sim-secret" });
    const missing = await chat(simulator.url, userSays("hi"));
    expect(missing.status).toBe(401);
    expect(await missing.text()).not.toContain("sk-sim-secret");
    const wrong = await chat(simulator.url, userSays("hi"), { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const right = await chat(simulator.url, userSays("hi"), {
      headers: { authorization: "Bearer sk-sim-secret" },
    });
    expect(right.status).toBe(200);
    expect((await fetch(`${simulator.url}/models`)).status).toBe(401);
    expect(simulator.stats().unauthorized).toBe(3);
  });

  it("lists its models as the simulator's and answers health checks", async () => {
    const simulator = await start();
    const models = (await (await fetch(`${simulator.url}/models`)).json()) as {
      data: { id: string; owned_by: string }[];
    };
    expect(models.data.map((model) => [model.id, model.owned_by])).toEqual([
      ["sim-a", "turnsafe-simulator"],
      ["sim-b", "turnsafe-simulator"],
    ]);
    const health = await fetch(simulator.url.replace(/\/v1$/, "/health"));
    expect(await health.json()).toEqual({ status: "ok", simulator: true });
    const missing = await fetch(`${simulator.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-turnsafe-simulator")).toBe("1");
  });

  it("caps recorded requests", async () => {
    const simulator = await start({ recordRequests: 2 });
    for (const text of ["one", "two", "three"]) await (await chat(simulator.url, userSays(text))).text();
    expect(simulator.requests).toHaveLength(2);
    expect(simulator.stats().requests).toBe(3);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500 && !condition(); attempt++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}
