import {
  APICallError,
  JSONParseError,
  RetryError,
  TypeValidationError,
  UnsupportedFunctionalityError,
} from "ai";
import { describe, expect, it } from "vitest";
import { TargetError } from "../errors.ts";
import { mapProviderError, parseRetryAfter } from "./map-provider-error.ts";

function apiError(
  statusCode: number | undefined,
  extra: Partial<ConstructorParameters<typeof APICallError>[0]> = {},
) {
  return new APICallError({
    message: `failure ${statusCode}`,
    url: "https://api.example.test/v1/chat/completions",
    requestBodyValues: { messages: [{ role: "user", content: "a very secret prompt body" }] },
    statusCode,
    ...extra,
  });
}

describe("mapProviderError", () => {
  it.each([
    [429, "rate-limited"],
    [500, "server"],
    [502, "server"],
    [529, "server"],
    [408, "timeout"],
    [504, "timeout"],
    [401, "auth"],
    [403, "auth"],
    [400, "client"],
    [404, "client"],
    [422, "client"],
  ] as const)("maps HTTP %i to %s", (status, kind) => {
    const mapped = mapProviderError(apiError(status));
    expect(mapped).toBeInstanceOf(TargetError);
    expect(mapped.kind).toBe(kind);
    expect(mapped.status).toBe(status);
  });

  it("reads retry-after-ms before retry-after", () => {
    const mapped = mapProviderError(
      apiError(429, { responseHeaders: { "retry-after-ms": "1500", "retry-after": "9" } }),
    );
    expect(mapped.retryAfterMs).toBe(1500);
  });

  it("honours Retry-After on 503", () => {
    expect(mapProviderError(apiError(503, { responseHeaders: { "retry-after": "3" } })).retryAfterMs).toBe(
      3000,
    );
  });

  it("treats an API error caused by unparsable or invalid JSON as malformed", () => {
    const parse = new JSONParseError({ text: "{oops", cause: new SyntaxError("bad") });
    expect(mapProviderError(apiError(200, { cause: parse })).kind).toBe("malformed");
    expect(mapProviderError(apiError(undefined, { cause: parse })).kind).toBe("malformed");
    const invalid = new TypeValidationError({ value: { x: 1 }, cause: new Error("shape") });
    expect(mapProviderError(apiError(200, { cause: invalid })).kind).toBe("malformed");
    expect(mapProviderError(parse).kind).toBe("malformed");
    expect(mapProviderError(invalid).kind).toBe("malformed");
  });

  it("treats an API error without a status as a network failure", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const mapped = mapProviderError(
      apiError(undefined, { cause: refused, message: "Cannot connect to API: refused" }),
    );
    expect(mapped.kind).toBe("network");
  });

  it("treats raw socket failures as network", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(mapProviderError(new TypeError("fetch failed", { cause: reset })).kind).toBe("network");
    expect(mapProviderError(reset).kind).toBe("network");
  });

  it("tells a timeout from a user abort", () => {
    const timeout = new DOMException("The operation timed out.", "TimeoutError");
    const abort = new DOMException("This operation was aborted", "AbortError");
    expect(mapProviderError(timeout).kind).toBe("timeout");
    expect(mapProviderError(abort).kind).toBe("aborted");

    const user = new AbortController();
    user.abort();
    expect(mapProviderError(abort, { signal: user.signal }).kind).toBe("aborted");
    const own = new AbortController();
    own.abort(timeout);
    expect(mapProviderError(abort, { timeoutSignal: own.signal }).kind).toBe("timeout");
    const callerTimeout = new AbortController();
    callerTimeout.abort(timeout);
    expect(mapProviderError(new Error("whatever"), { signal: callerTimeout.signal }).kind).toBe("timeout");
  });

  it("unwraps RetryError", () => {
    const retry = new RetryError({
      message: "gave up",
      reason: "maxRetriesExceeded",
      errors: [apiError(401)],
    });
    expect(mapProviderError(retry).kind).toBe("auth");
  });

  it("maps unsupported functionality to unsupported", () => {
    expect(mapProviderError(new UnsupportedFunctionalityError({ functionality: "video input" })).kind).toBe(
      "unsupported",
    );
  });

  it("keeps secrets and request bodies out of the message, and keeps it short", () => {
    const key = "sk-live-abcdefghijklmnop";
    const mapped = mapProviderError(apiError(401, { message: `Invalid key ${key}\n${"x".repeat(2000)}` }), {
      secrets: [key],
      targetId: "openai:gpt-4o",
    });
    expect(mapped.message.startsWith("openai:gpt-4o: HTTP 401: Invalid key [redacted]")).toBe(true);
    expect(mapped.message).not.toContain(key);
    expect(mapped.message).not.toContain("secret prompt");
    expect(mapped.message).not.toContain("\n");
    expect(mapped.message.length).toBeLessThan(400);
    expect(mapped.cause).toBeUndefined();
  });

  it("returns TargetErrors unchanged", () => {
    const original = new TargetError("unsupported", "no vision");
    expect(mapProviderError(original)).toBe(original);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds, fractional seconds and milliseconds", () => {
    expect(parseRetryAfter({ "retry-after": "2" })).toBe(2000);
    expect(parseRetryAfter({ "retry-after": "0.5" })).toBe(500);
    expect(parseRetryAfter({ "Retry-After-Ms": "250" })).toBe(250);
  });

  it("reads an HTTP date relative to now, never negative", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter({ "retry-after": "Wed, 01 Jan 2025 00:00:05 GMT" }, now)).toBe(5000);
    expect(parseRetryAfter({ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, now)).toBe(0);
  });

  it("ignores missing or unreadable values", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter({})).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfter({ "retry-after-ms": "-5" })).toBeUndefined();
  });
});
