import { wilsonInterval } from "../metrics/proportion.ts";
import type { ResultFigure } from "./result-figure.ts";

/** Judgements of one scorer over one group of cases. */
export interface Tally {
  positive: number;
  counted: number;
  unparsed: number;
  errored: number;
}

/** Which label of a built-in scorer counts as the flagged outcome, e.g. `unsafe` for the safety judge. */
const BUILT_IN_FLAGGED: Record<string, string> = {
  safety: "unsafe",
  moderation: "unsafe",
  refusal: "refusal",
};

/**
 * The flagged label of a judge: built-in judges have their own; custom judges from the run's
 * config (`judges: [{name, label}]`) flag with their `label` (default `flagged`).
 */
export function flaggedLabelOf(judge: string, runConfig: unknown): string | undefined {
  const builtIn = BUILT_IN_FLAGGED[judge];
  if (builtIn) return builtIn;
  const judges = (runConfig as { judges?: unknown } | null)?.judges;
  if (!Array.isArray(judges)) return undefined;
  for (const entry of judges) {
    const custom = entry as { name?: unknown; label?: unknown };
    if (custom && typeof custom === "object" && custom.name === judge)
      return typeof custom.label === "string" ? custom.label : "flagged";
  }
  return undefined;
}

/** The metric name of a flagged label's rate: `unsafe` -> `unsafe_rate`. */
export function rateMetric(label: string): string {
  return `${label.toLowerCase().replace(/[^a-z0-9]+/g, "_")}_rate`;
}

export function emptyTally(): Tally {
  return { positive: 0, counted: 0, unparsed: 0, errored: 0 };
}

export function totalTally(tallies: Iterable<Tally>): Tally {
  const sum = emptyTally();
  for (const tally of tallies) {
    sum.positive += tally.positive;
    sum.counted += tally.counted;
    sum.unparsed += tally.unparsed;
    sum.errored += tally.errored;
  }
  return sum;
}

function rateFigure(
  base: Pick<ResultFigure, "target" | "judge" | "metric" | "scope">,
  positive: number,
  counted: number,
  noVerdict: number,
  errored: number,
): ResultFigure {
  const interval = wilsonInterval(positive, counted);
  return {
    ...base,
    kind: "rate",
    value: interval.rate,
    low: interval.low,
    high: interval.high,
    n: counted,
    noVerdict,
    errored,
  };
}

/**
 * The figures of a dialogue run: per scorer (`judge@target`), the flagged rate overall and per
 * number of user turns, the share of judgements without a verdict (`error_rate`), and missed
 * risk and over-refusal per target where dialogues carry expected labels.
 */
export function dialogueFigures(
  tallies: Map<string, Map<number, Tally>>,
  expectation: Map<string, { missed: Tally; overRefused: Tally }>,
  runConfig: unknown,
): ResultFigure[] {
  const figures: ResultFigure[] = [];
  for (const [scorer, byTurns] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    const at = scorer.indexOf("@");
    const judge = at === -1 ? scorer : scorer.slice(0, at);
    const target = at === -1 ? "" : scorer.slice(at + 1);
    const metric = rateMetric(flaggedLabelOf(judge, runConfig) ?? "flagged");
    const sum = totalTally(byTurns.values());
    // Per number of user turns only when the run has several lengths (else it repeats `all`).
    const rows: [string, Tally][] = [
      ["all", sum],
      ...[...byTurns]
        .filter(() => byTurns.size > 1)
        .sort(([a], [b]) => a - b)
        .map(([turns, tally]): [string, Tally] => [`${turns} turn${turns === 1 ? "" : "s"}`, tally]),
    ];
    for (const [scope, tally] of rows) {
      const { positive, counted, unparsed, errored } = tally;
      const figure = rateFigure({ target, judge, metric, scope }, positive, counted, unparsed, errored);
      if (scope !== "all") figure.detail = true;
      figures.push(figure);
    }
    const failed = sum.unparsed + sum.errored;
    figures.push(
      rateFigure({ target, judge, metric: "error_rate", scope: "all" }, failed, sum.counted + failed, 0, 0),
    );
  }
  for (const [target, entry] of expectation) {
    const { missed, overRefused } = entry;
    if (missed.counted > 0)
      figures.push(
        rateFigure(
          { target, judge: "refusal", metric: "missed_risk", scope: "all" },
          missed.positive,
          missed.counted,
          0,
          0,
        ),
      );
    if (overRefused.counted > 0)
      figures.push(
        rateFigure(
          { target, judge: "refusal", metric: "over_refusal", scope: "all" },
          overRefused.positive,
          overRefused.counted,
          0,
          0,
        ),
      );
  }
  return figures;
}
