import { describe, expect, it } from "vitest";
import type { MiddlewareRequest, TargetMiddleware, TargetRequest } from "../contracts/index.ts";
import { type Message, text } from "../dialogue/dialogue.ts";
import { wrapTarget } from "../targets/target.ts";
import { scriptedTarget } from "../testing/test-target.ts";
import { CallExecutor } from "./call-executor.ts";
import { PriceTable } from "./pricing.ts";
import { ImageHasher, requestHash, workKey } from "./request-hash.ts";
import { SqliteStore } from "./sqlite-store.ts";

const say = (role: Message["role"], words: string): Message => ({ role, content: [text(words)] });
const request: TargetRequest = { messages: [say("user", "hello")], imageBaseDir: "/data/images" };

/** A whole defence in three lines: it only rewrites what the wrapped target is asked. */
const polite: TargetMiddleware = {
  name: "polite",
  transformRequest: (asked) => ({ ...asked, messages: [say("system", "Be polite."), ...asked.messages] }),
};

function setup() {
  const store = new SqliteStore(":memory:");
  const executor = new CallExecutor({
    store,
    runId: "run-1",
    prices: new PriceTable({}),
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2, timeoutMs: 2_000 },
  });
  const seen: TargetRequest[] = [];
  const inner = scriptedTarget((asked) => {
    seen.push(asked);
    return `answered ${asked.messages.length} messages`;
  });
  return { store, executor, inner, seen };
}

describe("middleware written with transformRequest alone", () => {
  it("runs through the engine: its inner call is stored under the turn's work key, hashed as sent, and resumed", async () => {
    const { store, executor, inner, seen } = setup();
    const defended = wrapTarget(inner, polite);
    expect(defended.id).toBe("test:scripted+polite");
    expect(defended.fingerprint).toBe("test:scripted|polite:null");

    const response = await executor.call("case-1", "target", defended, request, "turn-1");
    expect(response.text).toBe("answered 2 messages");
    expect(seen).toHaveLength(1);
    // The engine supplied the plumbing: the inner call got a signal and kept the image settings.
    expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(seen[0]?.imageBaseDir).toBe("/data/images");
    expect(seen[0]?.messages.map((message) => message.role)).toEqual(["system", "user"]);

    const stored = store.getCall(workKey("run-1", "case-1", "target", "turn-1/target"));
    expect(stored).toMatchObject({ status: "ok", targetId: "test:scripted", text: "answered 2 messages" });
    const sent = { ...request, messages: [say("system", "Be polite."), ...request.messages] };
    expect(stored?.requestHash).toBe(await requestHash(inner, sent, new ImageHasher()));
    // Nothing is stored under the wrapper's own key: it is no model call.
    expect(store.getCall(workKey("run-1", "case-1", "target", "turn-1"))).toBeUndefined();

    await executor.call("case-1", "target", defended, request, "turn-1");
    expect(inner.calls).toBe(1);
  });

  it("never hands the middleware the engine's context or signal", async () => {
    const { executor, inner } = setup();
    const keys: string[][] = [];
    const watching: TargetMiddleware = {
      name: "watching",
      transformRequest: (asked: MiddlewareRequest) => {
        keys.push(Object.keys(asked));
        return asked;
      },
    };
    await executor.call("case-1", "target", wrapTarget(inner, watching), request, "turn-1");
    expect(keys).toEqual([["messages", "imageBaseDir"]]);
  });

  it("calls the wrapped target directly when no engine runs it, passing the caller's signal on", async () => {
    const { inner, seen } = setup();
    const signal = new AbortController().signal;
    const response = await wrapTarget(inner, [polite]).generate({ ...request, signal });
    expect(response.text).toBe("answered 2 messages");
    expect(seen[0]?.signal).toBe(signal);
    expect(seen[0]?.context).toBeUndefined();
  });
});
