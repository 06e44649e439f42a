import { describe, expect, it } from "vitest";
import { computeGroupRewards, resolveOptions } from "./turn-aware-reward.ts";

// Hand-computed with the spec's formula and the defaults beta 0.5, lambda 1, tau 0.5, temperature 1.
// softmax(0, 0.25) = (0.43782349911420193, 0.5621765008857981); softmax(0, 0.5) = (0.3775406687981454, 0.6224593312018546).
const SOFTMAX_0_025 = [0.43782349911420193, 0.5621765008857981];
const SOFTMAX_0_05 = [0.3775406687981454, 0.6224593312018546];

describe("computeGroupRewards", () => {
  it("weights the turn where the group disagrees on safety (two rollouts, two turns)", () => {
    const result = computeGroupRewards([
      { help: [0, 0.5], safety: [1, 1] },
      { help: [0, 1], safety: [1, 0] },
    ]);
    // turn 1: mean 1, variance 0, U 0; turn 2: mean 0.5, variance 0.25, shortfall 0, U 0.25.
    expect(result.turns.map((turn) => turn.uncertainty)).toEqual([0, 0.25]);
    expect(result.turns.map((turn) => turn.weight)).toEqual(SOFTMAX_0_025.map((w) => expect.closeTo(w, 12)));
    // r1 = a1 * (0 + 1) + a2 * (0.25 + 1); r2 = a1 * 1 + a2 * (0.5 + 0)
    expect(result.rollouts[0]?.reward).toBeCloseTo(1.14054412522145, 12);
    expect(result.rollouts[1]?.reward).toBeCloseTo(0.718911749557101, 12);
    expect(result.rollouts[0]?.score).toBeCloseTo(1.14054412522145 / 1.5, 12);
    expect(result.rollouts[0]?.turns[1]?.contribution).toBeCloseTo(1.25 * 0.5621765008857981, 12);
  });

  it("gives tied rollouts the same reward", () => {
    const rollout = { help: [0.3, 0.7], safety: [0.9, 0.2] };
    const result = computeGroupRewards([rollout, rollout, rollout]);
    const rewards = result.rollouts.map((entry) => entry?.reward);
    expect(rewards[0]).toBe(rewards[1]);
    expect(rewards[1]).toBe(rewards[2]);
    // Ties mean no variance: U = shortfall only (turn 1: 0, turn 2: 0.3).
    expect(result.turns.map((turn) => turn.uncertainty)).toEqual([0, expect.closeTo(0.3, 12)]);
  });

  it("scores a group of one rollout by shortfall alone", () => {
    const result = computeGroupRewards([{ help: [0, 0], safety: [1, 0] }]);
    expect(result.turns.map((turn) => turn.weight)).toEqual(SOFTMAX_0_05.map((w) => expect.closeTo(w, 12)));
    expect(result.rollouts[0]?.reward).toBeCloseTo(0.3775406687981454, 12);
  });

  it("renormalises the group's weights over each rollout's own turns (unequal lengths)", () => {
    const result = computeGroupRewards([
      { help: [1], safety: [1] },
      { help: [0, 1], safety: [0, 0] },
    ]);
    // turn 1 over both: mean 0.5, variance 0.25, U 0.25; turn 2 over rollout 2 only: mean 0, U 0.5.
    expect(result.turns.map((turn) => turn.rollouts)).toEqual([2, 1]);
    expect(result.turns.map((turn) => turn.weight)).toEqual(SOFTMAX_0_025.map((w) => expect.closeTo(w, 12)));
    expect(result.rollouts[0]?.reward).toBeCloseTo(1.5, 12); // its one turn has weight 1
    expect(result.rollouts[0]?.score).toBeCloseTo(1, 12);
    expect(result.rollouts[1]?.reward).toBeCloseTo(0.5621765008857981 * 0.5, 12);
  });

  it("weights turns evenly in an all-safe group", () => {
    const result = computeGroupRewards([
      { help: [1, 0.5, 0], safety: [1, 1, 1] },
      { help: [0, 0, 0], safety: [1, 1, 1] },
    ]);
    expect(result.turns.map((turn) => turn.weight)).toEqual(
      [1 / 3, 1 / 3, 1 / 3].map((w) => expect.closeTo(w, 12)),
    );
    expect(result.rollouts[0]?.reward).toBeCloseTo((1.5 + 1.25 + 1) / 3, 12);
    expect(result.rollouts[1]?.reward).toBeCloseTo(1, 12);
  });

  it("weights turns evenly in an all-unsafe group and rewards only help", () => {
    const result = computeGroupRewards([
      { help: [1, 1], safety: [0, 0] },
      { help: [0, 1], safety: [0, 0] },
    ]);
    expect(result.turns.map((turn) => turn.uncertainty)).toEqual([0.5, 0.5]);
    expect(result.rollouts[0]?.reward).toBeCloseTo(0.5, 12);
    expect(result.rollouts[1]?.reward).toBeCloseTo(0.25, 12);
  });

  it("leaves unscored rollouts out of the statistics", () => {
    const result = computeGroupRewards([{ help: [0, 0], safety: [1, 0] }, null]);
    expect(result.rollouts[1]).toBeNull();
    expect(result.turns[0]?.rollouts).toBe(1);
    expect(result.rollouts[0]?.reward).toBeCloseTo(0.3775406687981454, 12);
  });

  it("uses every constant it is given", () => {
    // U = (0, 2 * 0.8) = (0, 1.6), divided by temperature 0.5: softmax(0, 3.2); beta 2.
    const result = computeGroupRewards([{ help: [0.5, 0], safety: [1, 0] }], {
      lambda: 2,
      tau: 0.8,
      temperature: 0.5,
      beta: 2,
    });
    const first = 1 / (1 + Math.exp(3.2));
    expect(result.turns[0]?.weight).toBeCloseTo(first, 12);
    expect(result.rollouts[0]?.reward).toBeCloseTo(first * (2 * 0.5 + 1), 12);
    expect(result.rollouts[0]?.score).toBeCloseTo((first * 2) / 3, 12);
  });

  it("refuses scores outside [0, 1], ragged turns and bad constants", () => {
    expect(() => computeGroupRewards([{ help: [2], safety: [1] }])).toThrow(/\[0, 1\]/);
    expect(() => computeGroupRewards([{ help: [1, 1], safety: [1] }])).toThrow(/different numbers/);
    expect(() => resolveOptions({ temperature: 0 })).toThrow(/temperature/);
    expect(() => resolveOptions({ beta: -1 })).toThrow(/beta/);
  });
});
