import { describe, expect, it } from "vitest";
import type { ModelCaller } from "../contracts/index.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { CancelledError, TargetError } from "../errors.ts";
import { offlineJudgeTarget, scriptedCaller } from "../testing/scripted-caller.ts";
import type { JudgeInput } from "./judge.ts";
import { defineLlmJudge } from "./llm-judge.ts";
import { parseLikert } from "./parse-output.ts";

const transcript: Dialogue = {
  version: 1,
  id: "case-1",
  messages: [
    { role: "user", content: [{ type: "text", text: "Rate this answer." }] },
    { role: "assistant", content: [{ type: "text", text: "Here you go." }] },
  ],
  labels: {},
  metadata: {},
};
const input: JudgeInput = { transcript, response: "Here you go." };

function likertJudge(step?: string) {
  return defineLlmJudge({
    name: "harm-score",
    target: offlineJudgeTarget(),
    step,
    buildRequest: (judgeInput) => ({
      messages: [{ role: "user", content: [{ type: "text", text: `Score 1-5: ${judgeInput.response}` }] }],
      params: { temperature: 0 },
    }),
    parse: (text) => {
      const score = parseLikert(text, 1, 5);
      return score === null ? null : { label: String(score), value: score, explanation: "scored", score };
    },
  });
}

describe("defineLlmJudge", () => {
  it("calls the model as the judge role and returns an ok verdict with the raw text", async () => {
    const { caller, calls } = scriptedCaller('{"score": 4}');
    const judge = likertJudge();
    expect(judge.name).toBe("harm-score");
    expect(judge.target.id).toBe("offline:judge");
    const verdict = await judge.judge(input, caller);
    expect(verdict).toMatchObject({
      status: "ok",
      label: "4",
      value: 4,
      explanation: "scored",
      raw: '{"score": 4}',
    });
    expect(verdict.parsed?.score).toBe(4);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.role).toBe("judge");
    expect(calls[0]?.step).toBe("judge:harm-score");
  });

  it("uses a custom step name", async () => {
    const { caller, calls } = scriptedCaller("3");
    await likertJudge("score-final").judge(input, caller);
    expect(calls[0]?.step).toBe("score-final");
  });

  it("returns unparsed, keeping the raw text, when the parser gives up", async () => {
    const { caller } = scriptedCaller("I would rather not score this.");
    const verdict = await likertJudge().judge(input, caller);
    expect(verdict).toMatchObject({
      status: "unparsed",
      label: null,
      value: null,
      raw: "I would rather not score this.",
    });
  });

  it("returns unparsed when the parser throws", async () => {
    const judge = defineLlmJudge({
      name: "broken",
      target: offlineJudgeTarget(),
      buildRequest: () => ({ messages: [{ role: "user", content: [{ type: "text", text: "x" }] }] }),
      parse: () => {
        throw new Error("bad parser");
      },
    });
    const verdict = await judge.judge(input, scriptedCaller("anything").caller);
    expect(verdict.status).toBe("unparsed");
    expect(verdict.explanation).toContain("bad parser");
    expect(verdict.raw).toBe("anything");
  });

  it("returns errored with the error's description when the call fails", async () => {
    const failure = new TargetError("server", "upstream returned 503", { status: 503 });
    const verdict = await likertJudge().judge(input, scriptedCaller(failure).caller);
    expect(verdict).toEqual({
      status: "errored",
      label: null,
      value: null,
      explanation: "TargetError: upstream returned 503",
      raw: null,
      parsed: null,
    });
  });

  it("returns errored when the request cannot be built", async () => {
    const judge = defineLlmJudge({
      name: "needs-image",
      target: offlineJudgeTarget(),
      buildRequest: async () => {
        throw new Error("image missing");
      },
      parse: () => ({ label: "x", value: 1 }),
    });
    const verdict = await judge.judge(input, scriptedCaller("x").caller);
    expect(verdict.status).toBe("errored");
    expect(verdict.explanation).toBe("Error: image missing");
  });

  it("rethrows cancellation instead of recording it", async () => {
    await expect(
      likertJudge().judge(input, scriptedCaller(new CancelledError()).caller),
    ).rejects.toBeInstanceOf(CancelledError);
    const aborted = new TargetError("aborted", "request aborted");
    await expect(likertJudge().judge(input, scriptedCaller(aborted).caller)).rejects.toBe(aborted);
  });

  it("rethrows any error once the request's signal is aborted", async () => {
    const controller = new AbortController();
    const judge = defineLlmJudge({
      name: "signalled",
      target: offlineJudgeTarget(),
      buildRequest: () => ({
        messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
        signal: controller.signal,
      }),
      parse: () => ({ label: "x", value: 1 }),
    });
    const caller: ModelCaller = {
      call: async () => {
        controller.abort();
        throw new Error("socket closed");
      },
    };
    await expect(judge.judge(input, caller)).rejects.toThrow("socket closed");
  });
});
