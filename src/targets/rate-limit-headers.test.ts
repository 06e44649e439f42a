import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { mapProviderError } from "./map-provider-error.ts";
import { parseDuration, parseRateLimitHeaders } from "./rate-limit-headers.ts";

describe("parseRateLimitHeaders", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("reads OpenAI's budgets, durations included", () => {
    expect(
      parseRateLimitHeaders(
        { "x-ratelimit-remaining-requests": "59", "x-ratelimit-reset-requests": "1s" },
        now,
      ),
    ).toEqual({ remaining: 59, resetMs: 1000 });
    expect(parseDuration("6m0s")).toBe(360_000);
    expect(parseDuration("20ms")).toBe(20);
    expect(parseDuration("1h2m3.5s")).toBe(3_723_500);
    expect(parseDuration("soon")).toBeUndefined();
  });

  it("reads Anthropic's RFC 3339 resets and reports the spent budget first", () => {
    expect(
      parseRateLimitHeaders(
        {
          "anthropic-ratelimit-requests-remaining": "10",
          "anthropic-ratelimit-requests-reset": "2026-01-01T00:00:30Z",
          "Anthropic-Ratelimit-Output-Tokens-Remaining": "0",
          "anthropic-ratelimit-output-tokens-reset": "2026-01-01T00:00:05Z",
        },
        now,
      ),
    ).toEqual({ remaining: 0, resetMs: 5000 });
  });

  it("reads the IETF draft headers and ignores unusable values", () => {
    expect(parseRateLimitHeaders({ "ratelimit-remaining": "0", "ratelimit-reset": "2" }, now)).toEqual({
      remaining: 0,
      resetMs: 2000,
    });
    expect(parseRateLimitHeaders(undefined)).toBeUndefined();
    expect(parseRateLimitHeaders({ "content-type": "application/json" })).toBeUndefined();
    expect(
      parseRateLimitHeaders({ "x-ratelimit-remaining-requests": "many", "x-ratelimit-reset-requests": "1s" }),
    ).toBeUndefined();
  });

  it("gives a 429 without Retry-After the reset of its spent budget as the wait", () => {
    const error = new APICallError({
      message: "rate limited",
      url: "https://api.example.test/v1/chat/completions",
      requestBodyValues: {},
      statusCode: 429,
      responseHeaders: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1.5s" },
    });
    expect(mapProviderError(error)).toMatchObject({ kind: "rate-limited", retryAfterMs: 1500 });
  });
});
