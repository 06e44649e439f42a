import { describe, expect, it } from "vitest";
import {
  chatCompletion,
  completionChunk,
  errorBody,
  errorMessageOf,
  errorObject,
  SSE_DONE,
  sseEvent,
  usageChunk,
} from "./openai-wire.ts";

const HEADER = { id: "chatcmpl-1", created: 1700000000, model: "m" };
const USAGE = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };

/** The JSON values of an SSE text, as a client splitting on blank lines reads them. */
function readEvents(text: string): unknown[] {
  return text
    .split("\n\n")
    .filter((block) => block !== "")
    .map((block) => {
      expect(block.startsWith("data: ")).toBe(true);
      const data = block.slice(6);
      return data === "[DONE]" ? "[DONE]" : JSON.parse(data);
    });
}

describe("SSE framing", () => {
  it("frames each value as one data event ending in a blank line, then [DONE]", () => {
    const chunk = completionChunk(HEADER, { content: "line one\n\nline two" }, null);
    const text = sseEvent(chunk) + sseEvent(usageChunk(HEADER, USAGE)) + SSE_DONE;
    expect(SSE_DONE).toBe("data: [DONE]\n\n");
    // Newlines inside the text are escaped by JSON, so they never end an event.
    expect(text.split("\n\n")).toHaveLength(4);
    expect(readEvents(text)).toEqual([
      chunk,
      { ...HEADER, object: "chat.completion.chunk", choices: [], usage: USAGE },
      "[DONE]",
    ]);
  });
});

describe("completions and chunks", () => {
  it("builds a chat.completion with one choice, the fingerprint when set and extra fields last", () => {
    const body = chatCompletion(
      { ...HEADER, systemFingerprint: "fp" },
      { role: "assistant", content: "hi" },
      "stop",
      USAGE,
      { turnsafe: { blocked: false } },
    );
    expect(Object.keys(body)).toEqual([
      "id",
      "object",
      "created",
      "model",
      "system_fingerprint",
      "choices",
      "usage",
      "turnsafe",
    ]);
    expect(body).toMatchObject({
      object: "chat.completion",
      system_fingerprint: "fp",
      choices: [
        { index: 0, message: { role: "assistant", content: "hi" }, logprobs: null, finish_reason: "stop" },
      ],
    });
  });

  it("builds chunks without a fingerprint unless one is set", () => {
    const chunk = completionChunk(HEADER, {}, "length");
    expect(chunk).toEqual({
      ...HEADER,
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "length" }],
    });
  });
});

describe("error bodies", () => {
  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [413, "invalid_request_error"],
    [429, "rate_limit_error"],
    [502, "server_error"],
  ])("gives HTTP %i the type %s", (status, type) => {
    expect(JSON.parse(errorBody(status, "why"))).toEqual({
      error: { message: "why", type, param: null, code: null },
    });
  });

  it("takes a type, code and param when given", () => {
    expect(
      errorObject(429, "slow down", { type: "requests", code: "rate_limit_exceeded", param: "x" }),
    ).toEqual({
      message: "slow down",
      type: "requests",
      param: "x",
      code: "rate_limit_exceeded",
    });
  });

  it("reads error.message back, or nothing from other bodies", () => {
    expect(errorMessageOf(errorBody(400, "bad model"))).toBe("bad model");
    expect(errorMessageOf("<html>oops</html>")).toBeUndefined();
    expect(errorMessageOf('{"error":"flat"}')).toBeUndefined();
    expect(errorMessageOf("[1]")).toBeUndefined();
  });
});
