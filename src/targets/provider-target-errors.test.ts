import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeProviderServer,
  startFakeProviderServer,
} from "../../test/fixtures/provider-servers/fake-provider-server.ts";
import {
  errorResponse,
  successBody,
  type WireFormat,
} from "../../test/fixtures/provider-servers/provider-wire-formats.ts";
import type { Message } from "../dialogue/dialogue.ts";
import { TargetError } from "../errors.ts";
import { type ProviderName, parseTargetSpec } from "./provider-spec.ts";
import { createProviderTarget } from "./provider-target.ts";

const FAKE_KEY = "sk-test-errors-0123456789-not-real";

const ADAPTERS: { provider: ProviderName; format: WireFormat; model: string; basePath: string }[] = [
  { provider: "openai", format: "openai", model: "gpt-4o-mini", basePath: "/v1" },
  { provider: "openai-compatible", format: "openai", model: "local-model", basePath: "/v1" },
  { provider: "anthropic", format: "anthropic", model: "claude-sonnet-4-5", basePath: "/v1" },
  { provider: "google", format: "google", model: "gemini-2.5-flash", basePath: "/v1beta" },
];

const hello: Message[] = [{ role: "user", content: [{ type: "text", text: "hello" }] }];
const servers = new Map<string, FakeProviderServer>();

beforeAll(async () => {
  for (const adapter of ADAPTERS)
    servers.set(
      adapter.provider,
      await startFakeProviderServer((request) => ({
        body: successBody(adapter.format, request, { text: "fine", inputTokens: 1, outputTokens: 1 }),
      })),
    );
});

afterAll(async () => {
  for (const server of servers.values()) await server.close();
});

function setUp(adapter: (typeof ADAPTERS)[number], extra: Record<string, unknown> = {}) {
  const server = servers.get(adapter.provider) as FakeProviderServer;
  const config = parseTargetSpec(
    {
      provider: adapter.provider,
      model: adapter.model,
      baseURL: `${server.url}${adapter.basePath}`,
      apiKeyEnv: "FAKE_PROVIDER_KEY",
      ...extra,
    },
    "test",
  );
  return { server, target: createProviderTarget(config, { env: { FAKE_PROVIDER_KEY: FAKE_KEY } }) };
}

async function failureOf(promise: Promise<unknown>): Promise<TargetError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof TargetError)) throw new Error(`expected a TargetError, got ${String(outcome)}`);
  return outcome;
}

describe.each(ADAPTERS)("$provider errors over HTTP", (adapter) => {
  it("maps 429 with Retry-After: 2 to rate-limited after 2000 ms", async () => {
    const { server, target } = setUp(adapter);
    server.enqueue(errorResponse(adapter.format, 429, "slow down", { "retry-after": "2" }));
    const error = await failureOf(target.generate({ messages: hello }));
    expect(error.kind).toBe("rate-limited");
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(2000);
    expect(error.retryable).toBe(true);
  });

  it("reads a spent budget from the rate-limit headers of answers and of a 429 without Retry-After", async () => {
    const budget = { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1.5s" };
    const server = await startFakeProviderServer((request) => ({
      headers: budget,
      body: successBody(adapter.format, request, { text: "fine", inputTokens: 1, outputTokens: 1 }),
    }));
    try {
      const config = parseTargetSpec(
        {
          provider: adapter.provider,
          model: adapter.model,
          baseURL: `${server.url}${adapter.basePath}`,
          apiKeyEnv: "K",
        },
        "test",
      );
      const target = createProviderTarget(config, { env: { K: FAKE_KEY } });
      const answer = await target.generate({ messages: hello });
      expect(answer.rateLimit).toEqual({ remaining: 0, resetMs: 1500 });
      server.enqueue(errorResponse(adapter.format, 429, "slow down", budget));
      const error = await failureOf(target.generate({ messages: hello }));
      expect(error).toMatchObject({ kind: "rate-limited", retryAfterMs: 1500 });
    } finally {
      await server.close();
    }
  });

  it("maps 500 to server", async () => {
    const { server, target } = setUp(adapter);
    server.enqueue(errorResponse(adapter.format, 500, "internal trouble"));
    const error = await failureOf(target.generate({ messages: hello }));
    expect(error.kind).toBe("server");
    expect(error.status).toBe(500);
    expect(error.message).toContain("internal trouble");
  });

  it("maps a body that is not JSON to malformed", async () => {
    const { server, target } = setUp(adapter);
    server.enqueue({ status: 200, body: '{"choices": [ this is not json' });
    const error = await failureOf(target.generate({ messages: hello }));
    expect(error.kind).toBe("malformed");
  });

  it("maps JSON of the wrong shape to malformed", async () => {
    const { server, target } = setUp(adapter);
    server.enqueue({ status: 200, body: { candidates: "nope", choices: 3, content: false } });
    const error = await failureOf(target.generate({ messages: hello }));
    expect(error.kind).toBe("malformed");
  });

  it("maps 401 to auth without echoing the key", async () => {
    const { server, target } = setUp(adapter);
    server.enqueue(errorResponse(adapter.format, 401, `Incorrect API key provided: ${FAKE_KEY}`));
    const error = await failureOf(target.generate({ messages: hello }));
    expect(error.kind).toBe("auth");
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain(FAKE_KEY);
    expect(error.message).toContain("[redacted]");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(FAKE_KEY);
  });

  it("maps other 4xx to client", async () => {
    const { server, target } = setUp(adapter);
    server.enqueue(errorResponse(adapter.format, 400, "bad request"));
    const error = await failureOf(target.generate({ messages: hello }));
    expect(error.kind).toBe("client");
    expect(error.status).toBe(400);
  });
});

describe("aborts, timeouts and unreachable servers", () => {
  const adapter = ADAPTERS[0] as (typeof ADAPTERS)[number];

  it("reports the target's own timeout as timeout", async () => {
    const { server, target } = setUp(adapter, { timeoutMs: 150 });
    server.enqueue({ hang: true });
    const error = await failureOf(target.generate({ messages: hello }));
    expect(error.kind).toBe("timeout");
  });

  it("reports a caller's abort as aborted", async () => {
    const { server, target } = setUp(adapter);
    server.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = target.generate({ messages: hello, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await failureOf(pending);
    expect(error.kind).toBe("aborted");
    expect(error.retryable).toBe(false);
  });

  it("sends nothing when the caller has already cancelled", async () => {
    const { server, target } = setUp(adapter);
    const before = server.requests.length;
    const error = await failureOf(target.generate({ messages: hello, signal: AbortSignal.abort() }));
    expect(error.kind).toBe("aborted");
    expect(server.requests.length).toBe(before);
  });

  it("reports a caller's timeout signal as timeout", async () => {
    const { server, target } = setUp(adapter);
    server.enqueue({ hang: true });
    const error = await failureOf(target.generate({ messages: hello, signal: AbortSignal.timeout(100) }));
    expect(error.kind).toBe("timeout");
  });

  it("reports a refused connection as network", async () => {
    const closed = await startFakeProviderServer(() => ({}));
    await closed.close();
    const config = parseTargetSpec(`openai-compatible:some-model@${closed.url}/v1`, "test");
    const target = createProviderTarget(config, { env: {} });
    const error = await failureOf(target.generate({ messages: hello }));
    expect(error.kind).toBe("network");
    expect(error.retryable).toBe(true);
  });
});
