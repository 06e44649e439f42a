import { describe, expect, it } from "vitest";
import { PriceTable } from "../../engine/pricing.ts";
import { offlineJudgeTarget, scriptedCaller } from "../../testing/scripted-caller.ts";
import { DEFAULT_ATTACK_SETTINGS } from "./redteam-defaults.ts";
import { runSearch } from "./run-search.ts";
import { parseBudget, SearchBudget } from "./search-budget.ts";

function context(budget: SearchBudget) {
  let count = 0;
  const { caller } = scriptedCaller((request) => {
    const system = request.messages[0]?.content[0];
    const text = system?.type === "text" ? system.text : "";
    if (text.includes("attacker in an authorised")) {
      count++;
      return JSON.stringify({ strategy: "gradual_guidance", next_question: `question ${count}` });
    }
    if (text.includes("judge of a red-teaming")) return '{"score": 3}';
    return "Some general context.";
  });
  const model = offlineJudgeTarget();
  return {
    task: {
      id: "t",
      goal: "g",
      dimension: null,
      subdimension: null,
      definition: null,
      example: null,
      keywords: [],
      images: [],
    },
    target: model,
    attacker: model,
    judge: model,
    caller,
    prices: new PriceTable(),
    budget,
    settings: DEFAULT_ATTACK_SETTINGS,
  };
}

describe("search budgets", () => {
  it("stop a search cleanly at its call budget, keeping what it found", async () => {
    for (const method of ["mcts", "crescendo", "linear"] as const) {
      const result = await runSearch(context(new SearchBudget({ calls: 20 })), method);
      expect(result.stopReason).toBe("calls budget (20)");
      // Checked before each round: at most one round (3 calls) over.
      expect(result.calls).toBeGreaterThanOrEqual(20);
      expect(result.calls).toBeLessThanOrEqual(22);
      expect(result.bestScore).toBe(3);
      expect(result.success).toBe(false);
    }
  });

  it("share a run budget between searches", async () => {
    const run = new SearchBudget({ calls: 30 });
    const first = await runSearch(context(new SearchBudget({}, run)), "linear");
    const second = await runSearch(context(new SearchBudget({}, run)), "linear");
    expect(first.calls).toBe(30);
    expect(second.calls).toBe(0);
    expect(second.stopReason).toBe("run calls budget (30)");
  });

  it("parses --budget and names what is wrong", () => {
    expect(parseBudget("calls=300, tokens=1e6, cost=2.5, time=10m")).toEqual({
      calls: 300,
      tokens: 1_000_000,
      costUsd: 2.5,
      timeMs: 600_000,
    });
    expect(parseBudget("time=90")).toEqual({ timeMs: 90_000 });
    expect(parseBudget("calls=0")).toMatch(/calls must be a positive number/);
    expect(parseBudget("money=3")).toMatch(/unknown budget "money"/);
    expect(parseBudget("time=soon")).toMatch(/time must look like/);
  });
});
