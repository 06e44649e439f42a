import { describe, expect, it } from "vitest";
import { TargetError } from "../errors.ts";
import { wrapTarget } from "../targets/target.ts";
import { scriptedTarget } from "../testing/test-target.ts";
import { CallExecutor } from "./call-executor.ts";
import { PriceTable } from "./pricing.ts";
import { workKey } from "./request-hash.ts";
import { SqliteStore } from "./sqlite-store.ts";

const request = {
  messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "hello" }] }],
};
const fastRetry = { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 4, timeoutMs: 2_000 };

function setup(cache = true) {
  const store = new SqliteStore(":memory:");
  const prices = new PriceTable({
    "test:scripted": { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 },
  });
  const executor = new CallExecutor({ store, runId: "run-1", prices, retry: fastRetry, cache });
  return { store, executor, prices };
}

describe("CallExecutor", () => {
  it("records usage and cost per role and resumes a finished call without calling again", async () => {
    const { store, executor } = setup();
    const target = scriptedTarget(() => "hi there");
    const first = await executor.call("case-1", "target", target, request, "turn-1");
    expect(first.text).toBe("hi there");
    const again = await executor.call("case-1", "target", target, request, "turn-1");
    expect(again.text).toBe("hi there");
    expect(target.calls).toBe(1);
    const usage = store.usage("run-1");
    expect(usage).toEqual([
      {
        role: "target",
        targetId: "test:scripted",
        calls: 1,
        cachedCalls: 0,
        erroredCalls: 0,
        retries: 0,
        rateLimited: 0,
        serverErrors: 0,
        inputTokens: 10,
        outputTokens: 5,
        costUsd: 20,
      },
    ]);
  });

  it("re-asks a stored call on resume when its request changed (parameters or message), replacing the row", async () => {
    const { store, executor } = setup();
    const target = scriptedTarget((req, n) => `answer ${n} at ${req.params?.temperature ?? "default"}`);
    const key = workKey("run-1", "case-1", "target", "turn-1");
    expect((await executor.call("case-1", "target", target, request, "turn-1")).text).toBe(
      "answer 1 at default",
    );
    const firstHash = store.getCall(key)?.requestHash;
    // A later session of the same run: the work key is the same, the request is not.
    const resumed = () =>
      new CallExecutor({ store, runId: "run-1", prices: new PriceTable(), retry: fastRetry });
    const changedParams = { ...request, params: { temperature: 0.7 } };
    const second = await resumed().call("case-1", "target", target, changedParams, "turn-1");
    expect(second.text).toBe("answer 2 at 0.7");
    expect(target.calls).toBe(2);
    const replaced = store.getCall(key);
    expect(replaced?.text).toBe("answer 2 at 0.7");
    expect(replaced?.requestHash).not.toBe(firstHash);
    const changedMessage = {
      ...changedParams,
      messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "hello again" }] }],
    };
    const third = await resumed().call("case-1", "target", target, changedMessage, "turn-1");
    expect(third.text).toBe("answer 3 at 0.7");
    // The unchanged request is still resumed from the replaced row.
    expect((await resumed().call("case-1", "target", target, changedMessage, "turn-1")).finishReason).toBe(
      "resumed",
    );
    expect(target.calls).toBe(3);
  });

  it("serves identical requests from the cache at no cost, and not when caching is off", async () => {
    const { store, executor } = setup();
    const target = scriptedTarget(() => "cached answer");
    await executor.call("case-1", "target", target, request, "turn-1");
    await executor.call("case-2", "judge", target, request, "turn-1");
    expect(target.calls).toBe(1);
    const judgeRow = store.usage("run-1").find((row) => row.role === "judge");
    expect(judgeRow).toMatchObject({ calls: 1, cachedCalls: 1, costUsd: 0, inputTokens: 0 });
    const uncached = new CallExecutor({
      store,
      runId: "run-2",
      prices: new PriceTable(),
      retry: fastRetry,
      cache: false,
    });
    await uncached.call("case-1", "target", target, request, "turn-1");
    expect(target.calls).toBe(2);
  });

  it("retries retryable errors and records the number of attempts", async () => {
    const { store, executor } = setup();
    const target = scriptedTarget((_request, call) => {
      if (call < 3) throw new TargetError("server", "HTTP 500");
      return "finally";
    });
    const response = await executor.call("case-1", "target", target, request, "turn-1");
    expect(response.text).toBe("finally");
    expect(target.calls).toBe(3);
    expect(store.getCall(workKey("run-1", "case-1", "target", "turn-1"))).toMatchObject({
      status: "ok",
      attempts: 3,
    });
  });

  it("stores a final failure as an errored call with its reason and rethrows it", async () => {
    const { store, executor } = setup();
    const target = scriptedTarget(() => {
      throw new TargetError("auth", "HTTP 401 invalid key");
    });
    await expect(executor.call("case-1", "target", target, request, "turn-1")).rejects.toThrow(/401/);
    expect(target.calls).toBe(1);
    expect(store.usage("run-1")[0]).toMatchObject({ calls: 1, erroredCalls: 1 });
  });

  it("gives up after maxAttempts of retryable errors, counting and storing each 429", async () => {
    const { executor, store } = setup();
    const target = scriptedTarget(() => {
      throw new TargetError("rate-limited", "HTTP 429", { retryAfterMs: 1 });
    });
    await expect(executor.call("case-1", "target", target, request, "turn-1")).rejects.toThrow(/429/);
    expect(target.calls).toBe(4);
    // Four 429s of one call are not a sustained rate: concurrency stays where it was.
    expect(executor.limiter("test").allowed).toBe(8);
    expect(executor.stats()).toMatchObject({ retries: 3, rateLimited: 4, serverErrors: 0, failedCalls: 1 });
    expect(store.usage("run-1")[0]).toMatchObject({ erroredCalls: 1, retries: 3, rateLimited: 4 });
  });

  it("delays only the request that got a 429 by its Retry-After; the others go on at full concurrency", async () => {
    const { executor, store } = setup();
    const finished: number[] = [];
    const started = Date.now();
    const target = scriptedTarget(async (req, callNumber) => {
      const part = req.messages[0]?.content[0];
      const text = part?.type === "text" ? part.text : "";
      if (text === "limited" && callNumber === 1)
        throw new TargetError("rate-limited", "HTTP 429", { status: 429, retryAfterMs: 1000 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      return text;
    });
    const ask = (text: string, caseId: string) =>
      executor
        .call(
          caseId,
          "target",
          target,
          { messages: [{ role: "user", content: [{ type: "text", text }] }] },
          "t",
        )
        .then((answer) => {
          if (answer.text !== "limited") finished.push(Date.now() - started);
          return answer;
        });
    const limited = ask("limited", "case-0");
    await new Promise((resolve) => setTimeout(resolve, 1));
    await Promise.all(Array.from({ length: 40 }, (_, index) => ask(`other ${index}`, `case-${index + 1}`)));
    // 40 calls of 5 ms at concurrency 8: done long before the 1 s Retry-After is over.
    expect(Math.max(...finished)).toBeLessThan(600);
    expect(executor.limiter("test").allowed).toBe(8);
    expect((await limited).text).toBe("limited");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const row = store.usage("run-1")[0];
    expect(row).toMatchObject({ calls: 41, retries: 1, rateLimited: 1, erroredCalls: 0 });
  });

  it("counts 5xx answers and timeouts per call and per endpoint", async () => {
    const { executor, store } = setup();
    const target = scriptedTarget((_req, callNumber) => {
      if (callNumber === 1) throw new TargetError("server", "HTTP 500", { status: 500 });
      if (callNumber === 2) throw new TargetError("timeout", "no answer");
      return "fine";
    });
    await executor.call("case-1", "target", target, request, "turn-1");
    expect(store.getCall(workKey("run-1", "case-1", "target", "turn-1"))).toMatchObject({
      attempts: 3,
      serverErrors: 2,
      rateLimited: 0,
    });
    expect(executor.stats().endpoints).toEqual([
      expect.objectContaining({ endpoint: "test", retries: 2, serverErrors: 2, allowed: 8, active: 0 }),
    ]);
  });

  it("turns an attempt that outlives its time limit into a timeout", async () => {
    const store = new SqliteStore(":memory:");
    const executor = new CallExecutor({
      store,
      runId: "r",
      prices: new PriceTable(),
      retry: { ...fastRetry, maxAttempts: 1, timeoutMs: 50 },
    });
    const target = scriptedTarget(
      (req) =>
        new Promise((_, reject) => req.signal?.addEventListener("abort", () => reject(new Error("aborted")))),
    );
    await expect(executor.call("c", "target", target, request, "t")).rejects.toMatchObject({
      kind: "timeout",
    });
  });
});

describe("CallExecutor with middleware targets", () => {
  it("routes a middleware's inner and extra calls through the engine, each resumable and counted by role", async () => {
    const { store, executor } = setup();
    const inner = scriptedTarget((req) => `inner saw ${req.messages.length} messages`);
    const moderator = scriptedTarget(() => "unsafe", {
      id: "test:moderator",
      endpoint: "moderation",
      fingerprint: "test:moderator",
    });
    const guarded = wrapTarget(inner, {
      name: "guard",
      async wrapGenerate({ request: outer, generate, caller }) {
        const verdict = await caller.call("moderator", moderator, { messages: outer.messages }, "moderate");
        const policy = {
          role: "system" as const,
          content: [{ type: "text" as const, text: `policy because ${verdict.text}` }],
        };
        return generate({ messages: [policy, ...outer.messages] }, "answer");
      },
    });
    const first = await executor.call("case-1", "target", guarded, request, "turn-1");
    expect(first.text).toBe("inner saw 2 messages");
    await executor.call("case-1", "target", guarded, request, "turn-1");
    expect(inner.calls).toBe(1);
    expect(moderator.calls).toBe(1);
    expect(store.usage("run-1").map((row) => [row.role, row.targetId, row.calls])).toEqual([
      ["moderator", "test:moderator", 1],
      ["target", "test:scripted", 1],
    ]);
  });

  it("calls the inner target directly when there is no engine", async () => {
    const inner = scriptedTarget(() => "direct");
    const wrapped = wrapTarget(inner, {
      name: "noop",
      wrapGenerate: ({ request: outer, generate }) => generate({ messages: outer.messages }, "answer"),
    });
    expect((await wrapped.generate(request)).text).toBe("direct");
    expect(wrapped.id).toBe("test:scripted+noop");
  });
});
