import { createHash, timingSafeEqual } from "node:crypto";
import { Hono, type MiddlewareHandler } from "hono";
import { createChatHandler } from "./guard-chat.ts";
import { GuardMetrics } from "./guard-metrics.ts";
import { DEFAULT_MAX_BODY_BYTES, type GuardOptions } from "./guard-options.ts";
import { errorBody } from "./guard-responses.ts";
import { scrubSecrets, scrubSecretsDeep } from "./scrub-secrets.ts";
import { upstreamFailure } from "./upstream-failure.ts";

/** The guard as a Hono app with its metrics, for hosting it yourself or testing in-process. */
export interface GuardApp {
  app: Hono;
  metrics: GuardMetrics;
}

const JSON_HEADERS = { "content-type": "application/json" };

/**
 * Builds the guard: an OpenAI-compatible `/v1/chat/completions` and `/v1/models` in front of
 * an upstream, checking the user side before forwarding and the assistant side after, plus
 * `/health` and `/metrics` (Prometheus text).
 */
export function createGuardApp(options: GuardOptions): GuardApp {
  const metrics = new GuardMetrics();
  const secrets = [...(options.secrets ?? []), ...(options.apiKeys ?? [])];
  const handleChat = createChatHandler({ ...options, secrets }, metrics);
  const requireKey = authentication(options.apiKeys ?? [], metrics);
  const app = new Hono();

  app.get("/health", () =>
    json(
      200,
      JSON.stringify({ status: "ok", moderator: options.moderator.name, policy: options.policy.name }),
    ),
  );
  app.use("/v1/*", requireKey);
  app.use("/metrics", requireKey);
  app.get(
    "/metrics",
    () =>
      new Response(metrics.render(), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      }),
  );
  app.get("/v1/models", async (context) => {
    try {
      const models = await options.upstream.listModels(context.req.raw.signal);
      return json(200, JSON.stringify(scrubSecretsDeep(models, secrets)));
    } catch (error) {
      const failure = upstreamFailure(error, secrets);
      return new Response(failure.body, {
        status: failure.status,
        headers: { ...JSON_HEADERS, ...failure.headers },
      });
    }
  });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  app.post("/v1/chat/completions", async (context) => {
    const raw = context.req.raw;
    const body = await readLimitedBody(raw, maxBodyBytes);
    if (body === undefined) {
      metrics.countRequest("rejected");
      return json(
        413,
        errorBody(
          413,
          `the request body is larger than this guard accepts (${maxBodyBytes / (1024 * 1024)} MB)`,
          {
            code: "request_too_large",
          },
        ),
        // The rest of the body is never read, so the connection cannot be reused.
        { connection: "close" },
      );
    }
    return handleChat(raw, body);
  });
  app.notFound((context) =>
    json(404, errorBody(404, `no route for ${context.req.method} ${context.req.path}`)),
  );
  app.onError((error) => {
    options.log?.(scrubSecrets(`guard failure: ${error.message}`, secrets));
    return json(500, errorBody(500, "the guard failed to handle this request", { code: "guard_error" }));
  });
  return { app, metrics };
}

/**
 * Requires `Authorization: Bearer <key>` with one of `keys` (none configured: open). Keys are
 * compared as sha256 digests in constant time, so timing reveals nothing about them.
 */
function authentication(keys: readonly string[], metrics: GuardMetrics): MiddlewareHandler {
  const digests = keys.map((key) => digest(key));
  return async (context, next) => {
    if (digests.length === 0) return next();
    const header = context.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    const presented = match?.[1] ? digest(match[1]) : undefined;
    let accepted = false;
    if (presented) for (const known of digests) accepted = timingSafeEqual(known, presented) || accepted;
    if (accepted) return next();
    metrics.countRequest("unauthorized");
    return json(
      401,
      errorBody(401, "missing or invalid API key: send Authorization: Bearer <key>", {
        code: "invalid_api_key",
      }),
      { "www-authenticate": "Bearer" },
    );
  };
}

/**
 * The body as text, or undefined when it is over `maxBytes`. A declared length is checked
 * before reading (and then read on the server's direct path, without web streams); a body
 * without one is read as a stream and abandoned as soon as it passes the limit.
 */
async function readLimitedBody(request: Request, maxBytes: number): Promise<string | undefined> {
  const declared = request.headers.get("content-length");
  if (declared !== null && !request.headers.has("transfer-encoding")) {
    if (Number(declared) > maxBytes) return undefined;
    return request.text();
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function json(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...JSON_HEADERS, ...headers } });
}
