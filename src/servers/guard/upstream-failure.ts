import { TargetError } from "../../errors.ts";
import { errorBody } from "../../http/openai-wire.ts";
import { redactSecrets } from "../../http/redact-secrets.ts";

/** What the client is told when the upstream failed. */
export interface UpstreamFailure {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/**
 * Maps an upstream failure to the client's answer. Client errors (a bad model name, a bad
 * parameter) are relayed with their message; an upstream that refuses the guard's own
 * credentials is a 502, never a 401, so clients do not think their key is wrong.
 */
export function upstreamFailure(error: unknown, secrets: readonly string[]): UpstreamFailure {
  if (!(error instanceof TargetError))
    return {
      status: 502,
      body: errorBody(502, "the upstream failed", { code: "upstream_error" }),
      headers: {},
    };
  const message = redactSecrets(error.message, secrets);
  switch (error.kind) {
    case "rate-limited": {
      const headers: Record<string, string> = {};
      if (error.retryAfterMs !== undefined) {
        headers["retry-after"] = String(Math.ceil(error.retryAfterMs / 1000));
        headers["retry-after-ms"] = String(Math.round(error.retryAfterMs));
      }
      return { status: 429, body: errorBody(429, message, { code: "rate_limit_exceeded" }), headers };
    }
    case "client":
    case "unsupported": {
      const status =
        error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 400;
      return { status, body: errorBody(status, message, { code: "upstream_rejected" }), headers: {} };
    }
    case "auth":
      return {
        status: 502,
        body: errorBody(502, "the upstream rejected the guard's credentials", { code: "upstream_auth" }),
        headers: {},
      };
    case "timeout":
      return { status: 504, body: errorBody(504, message, { code: "upstream_timeout" }), headers: {} };
    case "aborted":
      return { status: 499, body: errorBody(499, "the client went away"), headers: {} };
    default:
      return { status: 502, body: errorBody(502, message, { code: "upstream_error" }), headers: {} };
  }
}
