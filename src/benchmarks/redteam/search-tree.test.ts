import { describe, expect, it } from "vitest";
import { PriceTable } from "../../engine/pricing.ts";
import { offlineJudgeTarget, scriptedCaller } from "../../testing/scripted-caller.ts";
import { AttackSession } from "./attack-session.ts";
import { mctsPlanner } from "./planners.ts";
import { DEFAULT_ATTACK_SETTINGS } from "./redteam-defaults.ts";
import { SearchBudget } from "./search-budget.ts";
import {
  backPropagate,
  bestCandidate,
  bestNodeIndex,
  exploitTerm,
  MCTS_DEFAULTS,
  type NodeStats,
  newStats,
  prior,
  puct,
  selectChild,
} from "./search-tree.ts";

// Hand-computed with beta 0.7, epsilon 0.1, c 1.5 (MMRT's constants).
const visited: NodeStats = { score: 3, visits: 2, totalReward: 1, bestChildScore: 4 };

describe("PUCT (MMRT's constants)", () => {
  it("exploit, prior and PUCT of a visited node match hand-computed values", () => {
    // Q = 1/2; exploit = 0.3 * 0.5 + 0.7 * (4 - 1) / 4 = 0.675
    expect(exploitTerm(visited, MCTS_DEFAULTS)).toBeCloseTo(0.675, 12);
    // P = 0.1 + 0.9 * (3 - 1) / 4 = 0.55
    expect(prior(visited, MCTS_DEFAULTS)).toBeCloseTo(0.55, 12);
    // 0.675 + 1.5 * 0.55 * sqrt(5) / (1 + 2) = 0.675 + 0.614918...
    expect(puct(visited, 5, MCTS_DEFAULTS)).toBeCloseTo(0.675 + (1.5 * 0.55 * Math.sqrt(5)) / 3, 12);
    expect(puct(visited, 5, MCTS_DEFAULTS)).toBeCloseTo(1.2899187, 6);
  });

  it("an unvisited node starts its best_child_score at its own score (ours) or 0 (MMRT's code)", () => {
    const ours = newStats(2, MCTS_DEFAULTS);
    const mmrt = newStats(2, { bestChildStart: "zero" });
    // exploit 0.7 * 0.25 = 0.175; P = 0.325; explore 1.5 * 0.325 * sqrt(5) / 1
    expect(puct(ours, 5, MCTS_DEFAULTS)).toBeCloseTo(1.2650831, 6);
    // MMRT: exploit 0.7 * (0 - 1) / 4 = -0.175, below zero
    expect(exploitTerm(mmrt, MCTS_DEFAULTS)).toBeCloseTo(-0.175, 12);
    expect(puct(mmrt, 5, MCTS_DEFAULTS)).toBeCloseTo(0.9150831, 6);
  });

  it("selects the highest PUCT, and the first child on a tie", () => {
    expect(selectChild([newStats(2, MCTS_DEFAULTS), visited], 5, MCTS_DEFAULTS)).toBe(1);
    const twin = { ...visited };
    expect(selectChild([visited, twin], 5, MCTS_DEFAULTS)).toBe(0);
    // A 5 unvisited beats everything: exploit 0.7, P = 1, explore 1.5 * sqrt(5)
    expect(selectChild([visited, newStats(5, MCTS_DEFAULTS)], 5, MCTS_DEFAULTS)).toBe(1);
  });

  it("back-propagates (final - 1) / 4 and the best final score along the path", () => {
    const child = newStats(4, MCTS_DEFAULTS);
    const parent: NodeStats = { score: 2, visits: 1, totalReward: 0.25, bestChildScore: 2 };
    const root: NodeStats = { score: 1, visits: 1, totalReward: 0.25, bestChildScore: 2 };
    backPropagate([child, parent, root], 5);
    expect(child).toEqual({ score: 4, visits: 1, totalReward: 1, bestChildScore: 5 });
    expect(parent).toEqual({ score: 2, visits: 2, totalReward: 1.25, bestChildScore: 5 });
    expect(root).toEqual({ score: 1, visits: 2, totalReward: 1.25, bestChildScore: 5 });
    backPropagate([parent, root], 1);
    expect(parent).toEqual({ score: 2, visits: 3, totalReward: 1.25, bestChildScore: 5 });
  });

  it("picks the first best expansion candidate, and the latest best node of a search", () => {
    expect(bestCandidate([3, 4, 4])).toBe(1);
    expect(bestNodeIndex([3, 4, 4, 2])).toBe(2);
  });
});

describe("MCTS expansion", () => {
  it("gives no node more than max_children children and plays one simulation round per expansion", async () => {
    let count = 0;
    const { caller } = scriptedCaller((request) => {
      const system = request.messages[0]?.content[0];
      const text = system?.type === "text" ? system.text : "";
      if (text.includes("attacker in an authorised")) {
        count++;
        return JSON.stringify({ strategy: "role_play", image_ids: [], next_question: `question ${count}` });
      }
      if (text.includes("judge of a red-teaming")) return JSON.stringify({ score: 2 });
      return "A general answer.";
    });
    const model = offlineJudgeTarget();
    const session = new AttackSession({
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
      budget: new SearchBudget({}),
      settings: { ...DEFAULT_ATTACK_SETTINGS, iterations: 5 },
    });
    await mctsPlanner(session);
    const turns = session.nodes.filter((node) => node.kind === "turn");
    const simulations = session.nodes.filter((node) => node.kind === "simulation");
    for (const node of session.nodes) expect(node.children.length).toBeLessThanOrEqual(2);
    // Iteration 1 expands the root (2 children) and simulates from the first: 2 + 1 rounds.
    expect(session.nodes[0]?.children).toEqual([1, 2]);
    expect(session.nodes[3]?.kind).toBe("simulation");
    expect(session.nodes[3]?.parent).toBe(1);
    expect(simulations.length).toBe(5);
    expect(turns.length).toBe(10);
    // Each iteration adds one visit at the root.
    expect(session.nodes[0]?.stats.visits).toBe(5);
  });
});
