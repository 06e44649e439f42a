import { describe, expect, it } from "vitest";
import { EndpointLimiter } from "./endpoint-limiter.ts";

describe("EndpointLimiter", () => {
  it("never runs more than the allowed number at once", async () => {
    const limiter = new EndpointLimiter(3);
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await limiter.acquire();
        peak = Math.max(peak, limiter.active);
        await new Promise((resolve) => setTimeout(resolve, 2));
        release();
      }),
    );
    expect(peak).toBe(3);
    expect(limiter.active).toBe(0);
  });

  it("halves on a 429, pauses for Retry-After, and grows back with successes", async () => {
    const limiter = new EndpointLimiter(8);
    limiter.onRateLimited(60);
    expect(limiter.allowed).toBe(4);
    const started = Date.now();
    const release = await limiter.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    release();
    for (let index = 0; index < 4; index++) limiter.onSuccess();
    expect(limiter.allowed).toBe(5);
  });

  it("rejects waiters when their signal aborts", async () => {
    const limiter = new EndpointLimiter(1);
    const hold = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow(/cancelled/);
    hold();
  });
});
