import { addToConfusion, binaryScores, emptyConfusion } from "./binary-agreement.ts";

/** A graded score (higher: more likely positive) with the gold label. */
export interface ScoredItem {
  score: number;
  gold: boolean;
}

/**
 * Area under the ROC curve: the probability that a random gold positive scores above a random
 * gold negative, ties counting half (the Mann-Whitney statistic). Null without both classes.
 */
export function rocAuc(items: readonly ScoredItem[]): number | null {
  const sorted = [...items].sort((a, b) => a.score - b.score);
  const positives = sorted.filter((item) => item.gold).length;
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return null;
  // Walk groups of equal scores: each positive beats every negative below its group and ties
  // with the negatives inside it.
  let negativesBelow = 0;
  let wins = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    let groupPositives = 0;
    let groupNegatives = 0;
    while (end < sorted.length && sorted[end]?.score === sorted[start]?.score) {
      if (sorted[end]?.gold) groupPositives++;
      else groupNegatives++;
      end++;
    }
    wins += groupPositives * (negativesBelow + groupNegatives / 2);
    negativesBelow += groupNegatives;
    start = end;
  }
  return wins / (positives * negatives);
}

/** The figures of one threshold of a sweep: items scoring at or above it are flagged. */
export interface ThresholdPoint {
  threshold: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  falsePositiveRate: number | null;
  accuracy: number | null;
}

/**
 * Precision, recall, F1, false-positive rate and accuracy at each threshold (flagged: score ≥
 * threshold), highest threshold first. Thresholds are the distinct scores when there are at most
 * `maxPoints`, else `maxPoints` evenly spaced values from the lowest to the highest score.
 */
export function thresholdSweep(items: readonly ScoredItem[], maxPoints = 21): ThresholdPoint[] {
  if (items.length === 0) return [];
  const distinct = [...new Set(items.map((item) => item.score))].sort((a, b) => b - a);
  let thresholds = distinct;
  if (distinct.length > maxPoints) {
    const high = distinct[0] as number;
    const low = distinct.at(-1) as number;
    thresholds = Array.from(
      { length: maxPoints },
      (_, index) => high - ((high - low) * index) / (maxPoints - 1),
    );
  }
  return thresholds.map((threshold) => {
    const confusion = emptyConfusion();
    for (const item of items) addToConfusion(confusion, item.gold, item.score >= threshold);
    const scores = binaryScores(confusion);
    return {
      threshold,
      precision: scores.precision,
      recall: scores.recall,
      f1: scores.f1,
      falsePositiveRate: scores.falsePositiveRate,
      accuracy: scores.accuracy,
    };
  });
}

/** The sweep's point with the highest F1 (the highest threshold among equals); undefined when none has one. */
export function bestF1(points: readonly ThresholdPoint[]): ThresholdPoint | undefined {
  let best: ThresholdPoint | undefined;
  for (const point of points)
    if (point.f1 !== null && (best === undefined || point.f1 > (best.f1 ?? -1))) best = point;
  return best;
}
