import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { jsonResponse } from "../../http/json.ts";
import { errorBody } from "../../http/openai-wire.ts";
import { redactSecrets, redactSecretsDeep } from "../../http/redact-secrets.ts";
import { createChatHandler } from "./guard-chat.ts";
import { GuardMetrics } from "./guard-metrics.ts";
import { guardBearerAuth, guardBodyLimit } from "./guard-middleware.ts";
import { DEFAULT_MAX_BODY_BYTES, type GuardOptions } from "./guard-options.ts";
import { upstreamFailure } from "./upstream-failure.ts";

/** The guard as a Hono app with its metrics, for hosting it yourself or testing in-process. */
export interface GuardApp {
  app: Hono;
  metrics: GuardMetrics;
}

/**
 * Builds the guard: an OpenAI-compatible `/v1/chat/completions` and `/v1/models` in front of
 * an upstream, checking the user side before forwarding and the assistant side after, plus
 * `/health` and `/metrics` (Prometheus text).
 */
export function createGuardApp(options: GuardOptions): GuardApp {
  const metrics = new GuardMetrics();
  const secrets = [...(options.secrets ?? []), ...(options.apiKeys ?? [])];
  const handleChat = createChatHandler({ ...options, secrets }, metrics);
  const app = new Hono();

  app.get("/health", () =>
    jsonResponse(
      200,
      JSON.stringify({ status: "ok", moderator: options.moderator.name, policy: options.policy.name }),
    ),
  );
  if ((options.apiKeys ?? []).length > 0) {
    const requireKey = guardBearerAuth(options.apiKeys ?? [], metrics);
    app.use("/v1/*", requireKey);
    app.use("/metrics", requireKey);
  }
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
      return jsonResponse(200, JSON.stringify(redactSecretsDeep(models, secrets)));
    } catch (error) {
      const failure = upstreamFailure(error, secrets);
      return jsonResponse(failure.status, failure.body, failure.headers);
    }
  });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  app.post("/v1/chat/completions", guardBodyLimit(maxBodyBytes, metrics), async (context) =>
    handleChat(context.req.raw, await context.req.raw.text()),
  );
  app.notFound((context) =>
    jsonResponse(404, errorBody(404, `no route for ${context.req.method} ${context.req.path}`)),
  );
  app.onError((error) => {
    // Answers the middleware chose (bearer auth throws its 401 this way).
    if (error instanceof HTTPException) return error.getResponse();
    options.log?.(redactSecrets(`guard failure: ${error.message}`, secrets));
    return jsonResponse(
      500,
      errorBody(500, "the guard failed to handle this request", { code: "guard_error" }),
    );
  });
  return { app, metrics };
}
