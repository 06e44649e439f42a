import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors.ts";
import { startGuardedSimulator } from "../../testing/guard-test-fixtures.ts";
import { GuardMetrics } from "./guard-metrics.ts";
import { guardBearerAuth } from "./guard-middleware.ts";

// The guard's bearer auth and body limit (Hono's middleware) on a real server: every auth
// failure is an OpenAI-style 401, a body without a declared length is limited as it streams.

type Started = Awaited<ReturnType<typeof startGuardedSimulator>>;
const started: Started[] = [];
afterEach(async () => {
  for (const one of started.splice(0)) await one.close();
});

async function start(options: Parameters<typeof startGuardedSimulator>[0]): Promise<Started> {
  const one = await startGuardedSimulator(options);
  started.push(one);
  return one;
}

/** POSTs `body` in chunks without a content-length (transfer-encoding: chunked). */
function postChunked(
  url: string,
  pieces: readonly string[],
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/chat/completions`,
      { method: "POST", headers: { "content-type": "application/json", ...headers } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    // The server may answer (413) and close before every piece is written.
    request.on("error", (error) => (error.message.includes("EPIPE") ? undefined : reject(error)));
    for (const piece of pieces) request.write(piece);
    request.end();
  });
}

const MESSAGE = { model: "m", messages: [{ role: "user", content: "hi" }] };

describe("guard body limit (hono/body-limit)", () => {
  it("answers 413 with an OpenAI error to a chunked body over the limit, before forwarding", async () => {
    const { guard, simulator } = await start({ maxBodyBytes: 64 * 1024 });
    const content = "x".repeat(16 * 1024);
    const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: content.repeat(8) }] });
    const pieces = body.match(/[\s\S]{1,8192}/g) ?? [];
    const answer = await postChunked(guard.url, pieces);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: { type: "invalid_request_error", code: "request_too_large" },
    });
    expect(simulator.stats().requests).toBe(0);
    expect(guard.metrics.requests("rejected")).toBe(1);
  });

  it("reads a chunked body under the limit whole", async () => {
    const { guard } = await start({ maxBodyBytes: 64 * 1024 });
    const body = JSON.stringify(MESSAGE);
    const answer = await postChunked(guard.url, [body.slice(0, 10), body.slice(10)]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).choices[0].finish_reason).toBe("stop");
  });
});

describe("guard bearer auth (hono/bearer-auth)", () => {
  it("answers every failure, a malformed header included, with an OpenAI-style 401", async () => {
    const { guard, simulator } = await start({ apiKeys: ["key-one"] });
    const headers = ["", "Basic a2V5LW9uZQ==", "Bearer", "Bearer key one!", "Bearer key-two"];
    for (const authorization of headers) {
      const response = await fetch(`${guard.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(MESSAGE),
      });
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(await response.json()).toEqual({
        error: {
          message: "missing or invalid API key: send Authorization: Bearer <key>",
          type: "authentication_error",
          param: null,
          code: "invalid_api_key",
        },
      });
    }
    expect(guard.metrics.requests("unauthorized")).toBe(headers.length);
    expect(simulator.stats().requests).toBe(0);
    const accepted = await fetch(`${guard.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "bearer  key-one" },
      body: JSON.stringify(MESSAGE),
    });
    expect(accepted.status).toBe(200);
  });
});

describe("guard client keys", () => {
  it("refuses, without showing it, a key no client could send as a bearer token", () => {
    expect(() => guardBearerAuth(["good-key", "bad key!"], new GuardMetrics())).toThrow(ConfigError);
    expect(() => guardBearerAuth(["good-key", "bad key!"], new GuardMetrics())).toThrow(/client key 2/);
    expect(() => guardBearerAuth(["bad key!"], new GuardMetrics())).not.toThrow(/bad key/);
    expect(() => guardBearerAuth(["sk-abc_1.2~3+4/5=="], new GuardMetrics())).not.toThrow();
  });
});
