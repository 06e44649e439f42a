// The seeded train/dev split: a row goes to dev when the hash of its text (with the seed) falls
// in the dev fraction, so duplicates always land on the same side and the split never changes
// with the order of the files.
import { createHash } from "node:crypto";
import { comparableText } from "./read-sources.ts";

export const SEED = 1414;
export const DEV_FRACTION = 0.2;

export function isDev(text: string, seed = SEED): boolean {
  const digest = createHash("sha256")
    .update(`${seed}:${comparableText(text)}`)
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32 < DEV_FRACTION;
}

/** Weight per row so that no source counts for more than `cap` rows in all. */
export function sourceWeights<T extends { source: string }>(
  rows: readonly T[],
  cap: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.source, (counts.get(row.source) ?? 0) + 1);
  return new Map([...counts].map(([source, count]) => [source, Math.min(1, cap / count)]));
}
