import { describe, expect, it } from "vitest";
import { binaryScores, cohensKappa, confusionOf } from "./binary-agreement.ts";
import { bestF1, rocAuc, thresholdSweep } from "./roc.ts";

// Ten items worked by hand: 4 gold positives, 6 gold negatives.
const GOLD = [true, true, true, true, false, false, false, false, false, false];
const PREDICTED = [true, true, true, false, true, false, false, false, false, false];
const SCORES = [0.9, 0.8, 0.6, 0.3, 0.7, 0.3, 0.2, 0.1, 0.1, 0.0];

describe("binary agreement", () => {
  it("gives the hand-computed confusion, accuracy, precision, recall, F1 and kappa", () => {
    const confusion = confusionOf(
      GOLD.map((gold, index) => ({ gold, predicted: PREDICTED[index] as boolean })),
    );
    expect(confusion).toEqual({ truePositive: 3, falsePositive: 1, falseNegative: 1, trueNegative: 5 });
    const scores = binaryScores(confusion);
    expect(scores.n).toBe(10);
    expect(scores.accuracy).toBeCloseTo(0.8, 12);
    expect(scores.precision).toBeCloseTo(0.75, 12);
    expect(scores.recall).toBeCloseTo(0.75, 12);
    expect(scores.f1).toBeCloseTo(0.75, 12);
    expect(scores.falsePositiveRate).toBeCloseTo(1 / 6, 12);
    // p_o = 0.8; p_e = (4*4 + 6*6) / 100 = 0.52; kappa = 0.28 / 0.48.
    expect(scores.kappa).toBeCloseTo(0.28 / 0.48, 12);
  });

  it("kappa is -1 for total disagreement, 1 for total agreement, and undefined for one shared label", () => {
    expect(cohensKappa({ truePositive: 0, falsePositive: 2, falseNegative: 2, trueNegative: 0 })).toBeCloseTo(
      -1,
      12,
    );
    expect(cohensKappa({ truePositive: 3, falsePositive: 0, falseNegative: 0, trueNegative: 2 })).toBeCloseTo(
      1,
      12,
    );
    expect(cohensKappa({ truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 5 })).toBeNull();
    expect(cohensKappa({ truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 0 })).toBeNull();
  });

  it("leaves precision undefined when nothing is flagged, while F1 is 0 when positives were missed", () => {
    const scores = binaryScores({ truePositive: 0, falsePositive: 0, falseNegative: 3, trueNegative: 7 });
    expect(scores.precision).toBeNull();
    expect(scores.recall).toBe(0);
    expect(scores.f1).toBe(0);
    expect(scores.accuracy).toBeCloseTo(0.7, 12);
  });
});

describe("ROC-AUC and threshold sweep", () => {
  const items = SCORES.map((score, index) => ({ score, gold: GOLD[index] as boolean }));

  it("gives the hand-computed AUC, ties counting half", () => {
    // Of the 24 positive-negative pairs, positives win 6 + 6 + 5 + 4 and tie 1 (0.3 vs 0.3).
    expect(rocAuc(items)).toBeCloseTo(21.5 / 24, 12);
    expect(rocAuc([...items].reverse())).toBeCloseTo(21.5 / 24, 12);
  });

  it("is 1 for a perfect ranking, 0 for a reversed one, 0.5 for constant scores, undefined with one class", () => {
    expect(
      rocAuc([
        { score: 2, gold: true },
        { score: 1, gold: false },
      ]),
    ).toBe(1);
    expect(
      rocAuc([
        { score: 1, gold: true },
        { score: 2, gold: false },
      ]),
    ).toBe(0);
    expect(
      rocAuc([
        { score: 1, gold: true },
        { score: 1, gold: false },
      ]),
    ).toBe(0.5);
    expect(rocAuc([{ score: 1, gold: true }])).toBeNull();
  });

  it("sweeps the distinct scores, highest first, with the hand-computed point at 0.6", () => {
    const sweep = thresholdSweep(items);
    expect(sweep.map((point) => point.threshold)).toEqual([0.9, 0.8, 0.7, 0.6, 0.3, 0.2, 0.1, 0]);
    const at = sweep.find((point) => point.threshold === 0.6);
    expect(at).toMatchObject({ precision: 0.75, recall: 0.75, f1: 0.75, accuracy: 0.8 });
    expect(at?.falsePositiveRate).toBeCloseTo(1 / 6, 12);
    // At 0.3 every positive is flagged: recall 1, precision 4/6, F1 = 8/10.
    expect(sweep.find((point) => point.threshold === 0.3)?.f1).toBeCloseTo(0.8, 12);
    expect(bestF1(sweep)?.threshold).toBe(0.3);
    // The lowest threshold flags everything.
    expect(sweep.at(-1)).toMatchObject({ recall: 1, falsePositiveRate: 1 });
  });

  it("uses evenly spaced thresholds when there are many distinct scores", () => {
    const many = Array.from({ length: 100 }, (_, index) => ({ score: index / 99, gold: index % 2 === 0 }));
    const sweep = thresholdSweep(many, 11);
    expect(sweep).toHaveLength(11);
    expect(sweep[0]?.threshold).toBe(1);
    expect(sweep.at(-1)?.threshold).toBeCloseTo(0, 12);
  });
});
