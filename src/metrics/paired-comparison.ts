import { InputError } from "../errors.ts";
import { normalCriticalValue } from "./critical-values.ts";

/**
 * Two sides judged on the same cases, counted as a 2x2 table: `bothFail`, `onlyA` (A failed, B
 * did not), `onlyB`, `neither`. "Fail" is whatever the caller counts (e.g. an unsafe verdict).
 */
export interface PairedCounts {
  bothFail: number;
  onlyA: number;
  onlyB: number;
  neither: number;
}

export interface PairedRateComparison extends PairedCounts {
  n: number;
  rateA: number | null;
  rateB: number | null;
  /** rateB - rateA, with its (Wald, paired) confidence interval; null with no pairs. */
  difference: number | null;
  low: number | null;
  high: number | null;
  /** Exact two-sided McNemar p-value (binomial test on the discordant pairs); 1 with none. */
  pValue: number;
}

/** Exact McNemar test: two-sided binomial p-value of `onlyA` vs `onlyB` discordant pairs at 1/2. */
export function mcnemarExact(onlyA: number, onlyB: number): number {
  for (const [name, value] of [
    ["onlyA", onlyA],
    ["onlyB", onlyB],
  ] as const)
    if (!Number.isInteger(value) || value < 0) throw new InputError(`${name} must be a count, got ${value}`);
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const k = Math.min(onlyA, onlyB);
  // Sum of C(n, i) / 2^n for i <= k, in log space (n can be large).
  let logTerm = -n * Math.LN2;
  let maxLog = logTerm;
  const logs = [logTerm];
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    logs.push(logTerm);
    if (logTerm > maxLog) maxLog = logTerm;
  }
  let sum = 0;
  for (const value of logs) sum += Math.exp(value - maxLog);
  return Math.min(1, 2 * Math.exp(maxLog) * sum);
}

/** Compares the fail rates of two sides on paired cases: rates, difference with interval, McNemar. */
export function comparePairedRates(counts: PairedCounts, confidence = 0.95): PairedRateComparison {
  const n = counts.bothFail + counts.onlyA + counts.onlyB + counts.neither;
  const pValue = mcnemarExact(counts.onlyA, counts.onlyB);
  if (n === 0)
    return { ...counts, n, rateA: null, rateB: null, difference: null, low: null, high: null, pValue };
  const rateA = (counts.bothFail + counts.onlyA) / n;
  const rateB = (counts.bothFail + counts.onlyB) / n;
  const difference = (counts.onlyB - counts.onlyA) / n;
  const variance = (counts.onlyA + counts.onlyB - (counts.onlyB - counts.onlyA) ** 2 / n) / (n * n);
  const half = normalCriticalValue(confidence) * Math.sqrt(Math.max(0, variance));
  return {
    ...counts,
    n,
    rateA,
    rateB,
    difference,
    low: Math.max(-1, difference - half),
    high: Math.min(1, difference + half),
    pValue,
  };
}
