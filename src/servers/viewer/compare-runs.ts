import { comparePairedRates, type PairedRateComparison } from "../../metrics/paired-comparison.ts";
import { type MeanInterval, meanInterval } from "../../metrics/proportion.ts";
import type { IndexedCase, IndexedScore } from "./run-index.ts";

/** One side of a comparison: a run's cases and the arm (`target` or `target|defence`) of its verdicts. */
export interface CompareSide {
  cases: readonly IndexedCase[];
  arm: string;
}

/** A case whose verdict differs between the sides. */
export interface FlippedCase {
  caseId: string;
  category: string | null;
  a: IndexedScore;
  b: IndexedScore;
  /** `worse` when B fails where A did not, `better` the other way, `changed` for other label changes. */
  direction: "worse" | "better" | "changed";
}

export interface Comparison {
  judge: string;
  failLabel: string;
  /** Cases with an ok verdict of the judge on both sides. */
  paired: number;
  /** Cases left out: a side without the verdict, or a verdict unparsed or errored. */
  unpaired: number;
  rates: PairedRateComparison;
  /** Paired differences of the verdicts' numeric values (B - A), e.g. 1-5 scores. */
  scoreDifference: MeanInterval;
  byCategory: { category: string; rates: PairedRateComparison }[];
  flipped: FlippedCase[];
  flippedTotal: number;
}

/** Flipped cases listed at most. */
const FLIPPED_SHOWN = 500;

/** The case's verdict by `judge` on `arm` (`target` or `target|defence`). */
function verdictOf(entry: IndexedCase | undefined, judge: string, arm: { target: string; defence: string }) {
  if (!entry) return undefined;
  for (const score of entry.scores)
    if (score.judge === judge && score.target === arm.target && score.defence === arm.defence) return score;
  return undefined;
}

function parseArm(arm: string): { target: string; defence: string } {
  const bar = arm.indexOf("|");
  return { target: bar < 0 ? arm : arm.slice(0, bar), defence: bar < 0 ? "none" : arm.slice(bar + 1) };
}

/**
 * Pairs two sides' verdicts of one judge by case id: rates of `failLabel` with McNemar's test,
 * paired differences of numeric values, per category, and the cases that flipped.
 */
export function compareSides(a: CompareSide, b: CompareSide, judge: string, failLabel: string): Comparison {
  const armA = parseArm(a.arm);
  const armB = parseArm(b.arm);
  // Runs of the same data list cases in the same order: pair by position, by id otherwise.
  let bById: Map<string, IndexedCase> | undefined;
  const partner = (entry: IndexedCase, position: number): IndexedCase | undefined => {
    const same = b.cases[position];
    if (same && same.caseId === entry.caseId) return same;
    bById ??= new Map(b.cases.map((other) => [other.caseId, other]));
    return bById.get(entry.caseId);
  };
  const counts = { bothFail: 0, onlyA: 0, onlyB: 0, neither: 0 };
  const byCategory = new Map<string, typeof counts>();
  const differences: number[] = [];
  const flipped: FlippedCase[] = [];
  let flippedTotal = 0;
  let unpaired = 0;
  for (let position = 0; position < a.cases.length; position++) {
    const entryA = a.cases[position] as IndexedCase;
    const scoreA = verdictOf(entryA, judge, armA);
    const scoreB = verdictOf(partner(entryA, position), judge, armB);
    if (!scoreA || !scoreB || scoreA.status !== "ok" || scoreB.status !== "ok") {
      if (scoreA || scoreB) unpaired++;
      continue;
    }
    const failA = scoreA.label === failLabel;
    const failB = scoreB.label === failLabel;
    const cell = failA ? (failB ? "bothFail" : "onlyA") : failB ? "onlyB" : "neither";
    counts[cell]++;
    const category = entryA.category ?? "(none)";
    let group = byCategory.get(category);
    if (!group) {
      group = { bothFail: 0, onlyA: 0, onlyB: 0, neither: 0 };
      byCategory.set(category, group);
    }
    group[cell]++;
    if (scoreA.value !== null && scoreB.value !== null) differences.push(scoreB.value - scoreA.value);
    if (scoreA.label !== scoreB.label || scoreA.value !== scoreB.value) {
      flippedTotal++;
      if (flipped.length < FLIPPED_SHOWN)
        flipped.push({
          caseId: entryA.caseId,
          category: entryA.category,
          a: scoreA,
          b: scoreB,
          direction: failB && !failA ? "worse" : failA && !failB ? "better" : "changed",
        });
    }
  }
  const paired = counts.bothFail + counts.onlyA + counts.onlyB + counts.neither;
  return {
    judge,
    failLabel,
    paired,
    unpaired,
    rates: comparePairedRates(counts),
    scoreDifference: meanInterval(differences),
    byCategory: [...byCategory.entries()]
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([category, group]) => ({ category, rates: comparePairedRates(group) })),
    flipped,
    flippedTotal,
  };
}
