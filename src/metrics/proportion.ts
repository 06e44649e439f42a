import { InputError } from "../errors.ts";
import { normalCriticalValue, studentTCriticalValue } from "./critical-values.ts";

/**
 * A rate with its confidence interval. With no observations every figure is null: a rate
 * of nothing is unknown, and a null cannot be mistaken for 0% or 100% downstream.
 */
export interface ProportionInterval {
  successes: number;
  total: number;
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** A mean with its confidence interval; `low`/`high` are null below two values, `mean` is null with none. */
export interface MeanInterval {
  mean: number | null;
  low: number | null;
  high: number | null;
  n: number;
  standardDeviation: number | null;
}

/** A group's rate, with the items that could not be counted either way kept visible. */
export interface GroupRate<Group> extends ProportionInterval {
  group: Group;
  /** Items for which `isSuccess` returned null (e.g. unparsed or errored scores). */
  excluded: number;
}

/**
 * Wilson score interval for a binomial proportion. Chosen over the normal (Wald)
 * interval because it stays inside [0, 1] and behaves at 0 and `total` successes,
 * which small safety benchmarks hit all the time.
 */
export function wilsonInterval(successes: number, total: number, confidence = 0.95): ProportionInterval {
  if (!Number.isInteger(total) || total < 0)
    throw new InputError(`total must be a non-negative integer, got ${total}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > total)
    throw new InputError(`successes must be an integer between 0 and ${total}, got ${successes}`);
  const z = normalCriticalValue(confidence);
  if (total === 0) return { successes, total, rate: null, low: null, high: null };
  const rate = successes / total;
  const zSquared = z * z;
  const denominator = 1 + zSquared / total;
  const centre = (rate + zSquared / (2 * total)) / denominator;
  const halfWidth =
    (z * Math.sqrt((rate * (1 - rate)) / total + zSquared / (4 * total * total))) / denominator;
  // Exact bounds at the edges: rounding must not push an all-or-nothing result off 0 or 1.
  const low = successes === 0 ? 0 : Math.max(0, centre - halfWidth);
  const high = successes === total ? 1 : Math.min(1, centre + halfWidth);
  return { successes, total, rate, low, high };
}

/** Mean with a Student-t confidence interval (the right width for the small samples benchmarks use). */
export function meanInterval(values: readonly number[], confidence = 0.95): MeanInterval {
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) throw new InputError(`values[${index}] is not a finite number: ${value}`);
  });
  const n = values.length;
  if (n === 0) return { mean: null, low: null, high: null, n, standardDeviation: null };
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / n;
  if (n === 1) {
    studentTCriticalValue(confidence, 1); // still rejects a bad confidence level
    return { mean, low: null, high: null, n, standardDeviation: null };
  }
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  const standardDeviation = Math.sqrt(squares / (n - 1));
  const halfWidth = (studentTCriticalValue(confidence, n - 1) * standardDeviation) / Math.sqrt(n);
  return { mean, low: mean - halfWidth, high: mean + halfWidth, n, standardDeviation };
}

/**
 * Success rate per group, in the order groups first appear. `isSuccess` returns null for
 * items that are neither (unparsed, errored): they are left out of the rate and counted in
 * `excluded` so the report can show them.
 */
export function groupRates<Item, Group>(
  items: Iterable<Item>,
  key: (item: Item) => Group,
  isSuccess: (item: Item) => boolean | null,
  confidence = 0.95,
): GroupRate<Group>[] {
  const tallies = new Map<Group, { successes: number; total: number; excluded: number }>();
  for (const item of items) {
    const group = key(item);
    let tally = tallies.get(group);
    if (!tally) {
      tally = { successes: 0, total: 0, excluded: 0 };
      tallies.set(group, tally);
    }
    const outcome = isSuccess(item);
    if (outcome === null) tally.excluded++;
    else {
      tally.total++;
      if (outcome) tally.successes++;
    }
  }
  return [...tallies].map(([group, tally]) => ({
    group,
    excluded: tally.excluded,
    ...wilsonInterval(tally.successes, tally.total, confidence),
  }));
}
