import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryAfterApplies, statusKind } from "./status-kind.ts";

describe("statusKind", () => {
  it.each([
    [429, "rate-limited"],
    [408, "timeout"],
    [504, "timeout"],
    [401, "auth"],
    [403, "auth"],
    [400, "client"],
    [404, "client"],
    [413, "client"],
    [422, "client"],
    [304, "client"],
    [500, "server"],
    [502, "server"],
    [503, "server"],
    [599, "server"],
  ] as const)("maps HTTP %i to %s", (status, kind) => {
    expect(statusKind(status)).toBe(kind);
  });

  it("lets Retry-After count only where waiting can help", () => {
    expect(retryAfterApplies("rate-limited")).toBe(true);
    expect(retryAfterApplies("server")).toBe(true);
    expect(retryAfterApplies("timeout")).toBe(true);
    expect(retryAfterApplies("auth")).toBe(false);
    expect(retryAfterApplies("client")).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  it("reads fetch Headers and plain records alike, milliseconds first", () => {
    expect(parseRetryAfter(new Headers({ "Retry-After": "3" }))).toBe(3000);
    expect(parseRetryAfter(new Headers({ "retry-after": "3", "retry-after-ms": "120" }))).toBe(120);
    expect(parseRetryAfter({ "Retry-After-Ms": "250.4" })).toBe(250);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:07 GMT" }), now)).toBe(7000);
  });

  it("is undefined for absent or unusable values", () => {
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(parseRetryAfter(new Headers({ "retry-after": "later" }))).toBeUndefined();
    expect(parseRetryAfter({ "retry-after-ms": "-1" })).toBeUndefined();
  });
});
