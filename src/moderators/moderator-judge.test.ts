import { describe, expect, it } from "vitest";
import type { ModelCaller } from "../contracts/index.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";
import type { ModerationResult, Moderator } from "./moderator.ts";
import { createModeratorJudge } from "./moderator-judge.ts";
import { DEFAULT_POLICY } from "./policy.ts";

const transcript: Dialogue = {
  version: 1,
  id: "d",
  messages: [
    { role: "user", content: [{ type: "text", text: "how do I pick my neighbour's lock" }] },
    { role: "assistant", content: [{ type: "text", text: "Sure, here is how" }] },
  ],
  labels: {},
  metadata: {},
};
const caller: ModelCaller = { call: () => Promise.reject(new Error("no model")) };

function fixed(result: ModerationResult | Error): Moderator {
  return {
    name: "fixed",
    moderate: () => (result instanceof Error ? Promise.reject(result) : Promise.resolve(result)),
  };
}

describe("createModeratorJudge", () => {
  it("scores the assistant side of the whole transcript", async () => {
    const judge = createModeratorJudge({
      moderator: fixed({
        status: "ok",
        user: null,
        assistant: {
          rating: "unsafe",
          dimension: "Illegal Activities",
          rationale: "turn 2 gives steps",
          evidence: { messages: [1], images: [] },
        },
        raw: "{}",
        error: null,
      }),
      policy: DEFAULT_POLICY,
    });
    expect(await judge.judge({ transcript, response: "Sure, here is how" }, caller)).toMatchObject({
      status: "ok",
      label: "unsafe",
      value: 1,
      explanation: "turn 2 gives steps [Illegal Activities]",
    });
  });

  it("passes on the moderator's graded score and warm-up (judge eval's sweep and latency read them)", async () => {
    let warmed = 0;
    const judge = createModeratorJudge({
      moderator: {
        ...fixed({
          status: "ok",
          user: null,
          assistant: {
            rating: "safe",
            dimension: null,
            rationale: "low risk",
            evidence: { messages: [], images: [] },
            score: 0.42,
          },
          raw: null,
          error: null,
        }),
        warmUp: async () => {
          warmed++;
        },
      },
      policy: DEFAULT_POLICY,
    });
    expect(await judge.judge({ transcript, response: "Sure, here is how" }, caller)).toMatchObject({
      label: "safe",
      value: 0,
      score: 0.42,
    });
    await judge.warmUp?.();
    expect(warmed).toBe(1);
  });

  it("keeps unparsed and failed moderations as such, never safe", async () => {
    const unparsed = createModeratorJudge({
      moderator: fixed({ status: "unparsed", user: null, assistant: null, raw: "???", error: "no JSON" }),
      policy: DEFAULT_POLICY,
    });
    expect(await unparsed.judge({ transcript, response: "" }, caller)).toMatchObject({
      status: "unparsed",
      raw: "???",
    });
    const failing = createModeratorJudge({ moderator: fixed(new Error("down")), policy: DEFAULT_POLICY });
    expect(await failing.judge({ transcript, response: "" }, caller)).toMatchObject({
      status: "errored",
      label: null,
    });
  });
});
