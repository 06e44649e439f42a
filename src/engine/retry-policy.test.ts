import { describe, expect, it } from "vitest";
import { TargetError } from "../errors.ts";
import { DEFAULT_RETRY_POLICY, retryDelay } from "./retry-policy.ts";

describe("retryDelay", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 5 };
  it("backs off exponentially with full jitter, capped", () => {
    const server = new TargetError("server", "500");
    expect(retryDelay(server, 1, policy, () => 0.999)).toBe(99);
    expect(retryDelay(server, 3, policy, () => 0.999)).toBe(399);
    expect(retryDelay(server, 4, policy, () => 0.999)).toBe(799);
    expect(retryDelay(server, 4, { ...policy, maxAttempts: 9 }, () => 0.5)).toBe(400);
    expect(retryDelay(server, 8, { ...policy, maxAttempts: 9 }, () => 0.999)).toBe(999);
  });
  it("honours Retry-After and refuses overlong ones", () => {
    expect(
      retryDelay(new TargetError("rate-limited", "429", { retryAfterMs: 2000 }), 1, policy, () => 0),
    ).toBe(2000);
    expect(
      retryDelay(new TargetError("rate-limited", "429", { retryAfterMs: 10 * 60_000 }), 1, policy),
    ).toBeUndefined();
  });
  it("does not retry final errors or past the attempt limit", () => {
    expect(retryDelay(new TargetError("auth", "401"), 1, policy)).toBeUndefined();
    expect(retryDelay(new Error("boom"), 1, policy)).toBeUndefined();
    expect(retryDelay(new TargetError("server", "500"), 5, policy)).toBeUndefined();
  });
});
