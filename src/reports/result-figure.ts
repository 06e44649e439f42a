import type { UsageRow } from "../engine/store.ts";

/**
 * One result as numbers, for the terminal table, `--json` and CI thresholds (`--fail-on`).
 * `value` is a rate in [0, 1] (`kind: "rate"`, 95% Wilson interval) or a mean (`kind: "mean"`,
 * 95% t interval); `low`/`high`/`value` are null when nothing could be counted.
 */
export interface ResultFigure {
  target: string;
  /** The judge (scorer) name, e.g. `safety`, `refusal` or a custom judge's name. */
  judge: string;
  /** What is measured, e.g. `unsafe_rate`, `refusal_rate`, `missed_risk`, `error_rate`. */
  metric: string;
  kind: "rate" | "mean";
  /** `all`, or a sub-group such as `2 turns` (dialogue runs) or `type_a mm · none` (MTMCS). */
  scope: string;
  value: number | null;
  low: number | null;
  high: number | null;
  /** True for a breakdown of another figure (e.g. per number of turns): left out of the headline. */
  detail?: boolean;
  /** Observations counted in `value`. */
  n: number;
  /** Judgements without a verdict (unparsed output, empty answers), excluded from `value`. */
  noVerdict: number;
  /** Errored judgements, excluded from `value`. */
  errored: number;
}

/** Total cost in USD of a run's calls to one target (every role), and of the whole run. */
export function costOf(usage: readonly UsageRow[], targetId?: string): number {
  let sum = 0;
  for (const row of usage) if (targetId === undefined || row.targetId === targetId) sum += row.costUsd;
  return sum;
}
