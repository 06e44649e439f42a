import { describe, expect, it } from "vitest";
import { type AttemptOutcome, EndpointLimiter, THROTTLE } from "./endpoint-limiter.ts";

/** Runs `count` attempts one after another, each ending with `outcome(index)`. */
async function complete(limiter: EndpointLimiter, count: number, outcome: (index: number) => AttemptOutcome) {
  for (let index = 0; index < count; index++) (await limiter.acquire())(outcome(index));
}

describe("EndpointLimiter", () => {
  it("never runs more than the allowed number at once", async () => {
    const limiter = new EndpointLimiter(3);
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await limiter.acquire();
        peak = Math.max(peak, limiter.active);
        await new Promise((resolve) => setTimeout(resolve, 2));
        release("success");
      }),
    );
    expect(peak).toBe(3);
    expect(limiter.active).toBe(0);
  });

  it("does not cut concurrency or pause the endpoint on an occasional 429", async () => {
    const limiter = new EndpointLimiter(64);
    // One 429 in every 20 completions (5%), as a provider at the edge of its limit sends.
    await complete(limiter, 400, (index) => (index % 20 === 0 ? "rate-limited" : "success"));
    expect(limiter.allowed).toBe(64);
    expect(limiter.stats().decreases).toBe(0);
    const started = Date.now();
    const slots = await Promise.all(Array.from({ length: 64 }, () => limiter.acquire()));
    expect(Date.now() - started).toBeLessThan(50);
    for (const release of slots) release("success");
  });

  it("cuts concurrency multiplicatively on a sustained 429 rate, once per burst", async () => {
    const limiter = new EndpointLimiter(64);
    // 64 attempts in flight at the old level, then 60% of them come back 429.
    const slots = await Promise.all(Array.from({ length: 64 }, () => limiter.acquire()));
    slots.forEach((release, index) => {
      release(index % 5 < 3 ? "rate-limited" : "success");
    });
    const once = Math.floor(64 * THROTTLE.decreaseFactor);
    // The attempts that started before the cut were all at the old level: they cut once.
    expect(limiter.allowed).toBe(once);
    expect(limiter.stats().decreases).toBe(1);
    // A rate that goes on at the new level cuts again.
    await complete(limiter, THROTTLE.window, (index) => (index % 5 < 3 ? "rate-limited" : "success"));
    expect(limiter.allowed).toBeLessThan(once);
    expect(limiter.stats().decreases).toBeGreaterThanOrEqual(2);
  });

  it("recovers quickly to the configured maximum once 429s stop", async () => {
    const limiter = new EndpointLimiter(64);
    await complete(limiter, 200, () => "rate-limited");
    expect(limiter.allowed).toBeLessThan(8);
    // Growth is multiplicative: back at the maximum within a few hundred successes, not thousands.
    let successes = 0;
    while (limiter.allowed < 64 && successes < 10_000) {
      await complete(limiter, 1, () => "success");
      successes++;
    }
    expect(limiter.allowed).toBe(64);
    expect(successes).toBeLessThan(300);
  });

  it("holds new requests while rate-limit headers say the budget is spent, until the reset", async () => {
    let now = 1_000;
    const limiter = new EndpointLimiter(4, () => now);
    const first = await limiter.acquire();
    first("success", { remaining: 0, resetMs: 30 });
    expect(limiter.stats().heldForMs).toBe(30);
    let granted = false;
    const waiting = limiter.acquire().then((release) => {
      granted = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(granted).toBe(false);
    now += 30;
    (await waiting)("success", { remaining: 10, resetMs: 1000 });
    expect(granted).toBe(true);
    expect(limiter.stats().heldForMs).toBe(0);
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
