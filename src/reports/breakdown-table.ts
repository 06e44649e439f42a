import type { Store } from "../engine/store.ts";
import { InputError } from "../errors.ts";
import { wilsonInterval } from "../metrics/proportion.ts";
import type { MetricTable } from "./report-data.ts";

/** The key results are broken down by when the user names none. */
export const DEFAULT_BREAKDOWN = "category";

/** Which label of a scorer counts as the bad outcome, e.g. `unsafe` for the safety judge. */
export const POSITIVE_LABELS: Record<string, string> = {
  safety: "unsafe",
  moderation: "unsafe",
  refusal: "refusal",
  safemt: "unsafe",
};

const KEY = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/** Checks breakdown keys (letters, digits, `_`, `-`, dots for nested fields); the error names `where`. */
export function checkBreakdownKeys(keys: readonly string[], where: string): string[] {
  for (const key of keys)
    if (!KEY.test(key))
      throw new InputError(
        `"${key}" is not a metadata key (letters, digits, _ and -, dots for nested fields)`,
        where,
      );
  return [...new Set(keys)];
}

interface Tally {
  positive: number;
  counted: number;
  noVerdict: number;
  errored: number;
}

/**
 * One table per key: for each value of `metadata.<key>` (else `labels.<key>`), target and
 * judge, the rate of the judge's flagged label with its Wilson interval, and the verdicts left
 * out. Counted in SQLite. A key no case has gives a table saying so when the user named it,
 * and nothing for the default key.
 */
export function breakdownTables(
  store: Store,
  runId: string,
  keys: readonly string[] | undefined,
): MetricTable[] {
  const named = keys !== undefined && keys.length > 0;
  const tables: MetricTable[] = [];
  for (const key of named ? keys : [DEFAULT_BREAKDOWN]) {
    const tallies = new Map<string, Tally>();
    let anyValue = false;
    for (const group of store.scoreBreakdown(runId, key)) {
      const at = group.scorer.indexOf("@");
      const judge = at >= 0 ? group.scorer.slice(0, at) : group.scorer;
      const positive = POSITIVE_LABELS[judge];
      if (positive === undefined) continue;
      if (group.value !== null) anyValue = true;
      const id = JSON.stringify([group.value ?? "(none)", at >= 0 ? group.scorer.slice(at + 1) : "", judge]);
      const tally = tallies.get(id) ?? { positive: 0, counted: 0, noVerdict: 0, errored: 0 };
      tallies.set(id, tally);
      if (group.status === "errored") tally.errored += group.count;
      else if (group.status === "unparsed" || !group.hasValue) tally.noVerdict += group.count;
      else {
        tally.counted += group.count;
        if (group.label === positive) tally.positive += group.count;
      }
    }
    if (!anyValue && !named) continue;
    const rows: MetricTable["rows"] = [...tallies]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, tally]) => {
        const [value, target, judge] = JSON.parse(id) as [string, string, string];
        const interval = wilsonInterval(tally.positive, tally.counted);
        return [
          value,
          target,
          `${judge} = ${POSITIVE_LABELS[judge]}`,
          tally.counted,
          interval.rate,
          interval.low,
          interval.high,
          tally.noVerdict,
          tally.errored,
        ];
      });
    tables.push({
      title: `Rates by ${key}`,
      note: anyValue
        ? `Cases grouped by metadata.${key} (or labels.${key}); "(none)" holds cases without it. 95% Wilson intervals; verdicts without a value and errored ones are left out of the rate and counted beside it.`
        : `No case has metadata.${key} or labels.${key}.`,
      columns: [key, "target", "judge", "judged", "rate", "low", "high", "no verdict", "errored"],
      formats: [
        "text",
        "text",
        "text",
        "integer",
        "percent",
        "interval-low",
        "interval-high",
        "integer",
        "integer",
      ],
      rows: anyValue ? rows : [],
    });
  }
  return tables;
}
