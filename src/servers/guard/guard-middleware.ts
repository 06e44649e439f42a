import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { bodyLimit } from "hono/body-limit";
import { ConfigError } from "../../errors.ts";
import { jsonResponse } from "../../http/json.ts";
import { errorBody } from "../../http/openai-wire.ts";
import type { GuardMetrics } from "./guard-metrics.ts";

/** What a bearer token may hold (RFC 6750's b64token), as Hono's bearer auth checks it. */
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/**
 * Requires `Authorization: Bearer <key>` with one of `keys` (Hono's bearer auth). Keys are
 * compared as sha256 digests in constant time. Every failure, a missing or malformed header
 * included, is a 401 with an OpenAI-style `invalid_api_key` body and counts as unauthorized.
 */
export function guardBearerAuth(
  keys: readonly string[],
  metrics: Pick<GuardMetrics, "countRequest">,
): MiddlewareHandler {
  keys.forEach((key, index) => {
    if (!TOKEN.test(key))
      throw new ConfigError(
        `client key ${index + 1} cannot be sent as a bearer token: use only letters, digits and . _ ~ + / - (then any =)`,
      );
  });
  const digests = keys.map(digest);
  const unauthorized = () => {
    metrics.countRequest("unauthorized");
    return jsonResponse(
      401,
      errorBody(401, "missing or invalid API key: send Authorization: Bearer <key>", {
        code: "invalid_api_key",
      }),
      { "www-authenticate": "Bearer" },
    );
  };
  return bearerAuth({
    verifyToken(token) {
      const presented = digest(token);
      let accepted = false;
      for (const known of digests) accepted = timingSafeEqual(known, presented) || accepted;
      return accepted;
    },
    noAuthenticationHeader: { message: unauthorized },
    invalidAuthenticationHeader: { message: unauthorized },
    invalidToken: { message: unauthorized },
  });
}

/**
 * Answers 413 with an OpenAI-style `request_too_large` body when the request body is over
 * `maxBytes` (Hono's body limit; a body without a declared length is counted as it streams
 * and abandoned at the limit). A declared length within the limit passes without touching the
 * body, so the handler still reads it on the Node server's direct path, without web streams.
 */
export function guardBodyLimit(
  maxBytes: number,
  metrics: Pick<GuardMetrics, "countRequest">,
): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      metrics.countRequest("rejected");
      const megabytes = maxBytes / (1024 * 1024);
      return jsonResponse(
        413,
        errorBody(413, `the request body is larger than this guard accepts (${megabytes} MB)`, {
          code: "request_too_large",
        }),
        // The rest of the body is never read, so the connection cannot be reused.
        { connection: "close" },
      );
    },
  });
  return (context, next) => {
    const headers = context.req.raw.headers;
    const declared = headers.get("content-length");
    if (declared !== null && !headers.has("transfer-encoding") && Number(declared) <= maxBytes) return next();
    // The body limit re-wraps the request it counted (`new Request(raw, …)`), which the Node
    // server's lazy request object cannot be; a body without a declared length (rare) is
    // therefore handed over as a standard Request first.
    const raw = context.req.raw;
    if (declared === null || headers.has("transfer-encoding"))
      context.req.raw = new Request(raw.url, {
        method: raw.method,
        headers: raw.headers,
        body: raw.body,
        signal: raw.signal,
        duplex: "half",
      } as RequestInit);
    return limit(context, next);
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
