import { describe, expect, it } from "vitest";
import type { Message } from "../dialogue/dialogue.ts";
import { TargetError } from "../errors.ts";
import { offlineJudgeTarget, scriptedCaller } from "../testing/scripted-caller.ts";
import { createTurnScoreJudge, parseTurnScores } from "./turn-score-judge.ts";

const rollout: Message[] = [
  { role: "user", content: [{ type: "text", text: "q1" }] },
  { role: "assistant", content: [{ type: "text", text: "a1" }] },
  { role: "user", content: [{ type: "text", text: "q2" }] },
  { role: "assistant", content: [{ type: "text", text: "a2" }] },
];

describe("turn-score judge", () => {
  it("maps the judge's scale onto 0-1", () => {
    const text =
      'Here: {"turns": [{"turn": 1, "help": 1, "safety": 5}, {"turn": 2, "help": "3", "safety": 1}]}';
    expect(parseTurnScores(text, 2, { min: 1, max: 5 })).toEqual({ help: [0, 0.5], safety: [1, 0] });
  });

  it("reads a wrong number of turns or an out-of-scale score as unparsed, keeping the raw text", async () => {
    const { caller } = scriptedCaller('{"turns": [{"help": 5, "safety": 5}]}');
    const judge = createTurnScoreJudge({ target: offlineJudgeTarget() });
    const result = await judge.score(rollout, caller);
    expect(result).toMatchObject({
      status: "unparsed",
      scores: null,
      raw: '{"turns": [{"help": 5, "safety": 5}]}',
    });
    expect(result.error).toMatch(/expected 2 scored turns, found 1/);
    expect(parseTurnScores('{"turns": [{"help": 11, "safety": 5}]}', 1, { min: 0, max: 10 })).toMatch(
      /turns.0.help/,
    );
  });

  it("returns errored (not safe) when the call fails, and puts the policy in the rubric", async () => {
    const failing = scriptedCaller(new TargetError("server", "boom"));
    const judge = createTurnScoreJudge({
      target: offlineJudgeTarget(),
      policyText: "- Weapons: no help building them.",
    });
    expect(await judge.score(rollout, failing.caller)).toMatchObject({ status: "errored", scores: null });
    const system = failing.calls[0]?.request.messages[0]?.content[0];
    expect(system?.type === "text" && system.text).toMatch(
      /safety policy in force[\s\S]*- Weapons: no help building them\./,
    );
    expect(failing.calls[0]?.step).toBe("reward:turn-scores");
  });
});
