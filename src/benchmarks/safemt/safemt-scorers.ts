import type { RunRecord } from "../../engine/store.ts";
import { wilsonInterval } from "../../metrics/proportion.ts";
import type { ResultFigure } from "../../reports/result-figure.ts";
import type { ScorerDeclaration } from "../scorer-declaration.ts";
import type { SafemtSummary } from "./safemt-results.ts";

/** The SafeMT judge's name stored with a run (`safemt`, or `safemt-reference` in reference mode). */
export function safemtJudgeName(runConfig: unknown): string {
  const judge = (runConfig as { safemt?: { judge?: unknown } } | null)?.safemt?.judge;
  return typeof judge === "string" ? judge : "safemt";
}

/**
 * The scorer of a SafeMT run: its judge, declaring the attack success rate over every length
 * (and per length, as detail), the Safety Index (a headline) and `error_rate`.
 */
export function safemtScorers(run: Pick<RunRecord, "config">): ScorerDeclaration[] {
  return [
    {
      name: safemtJudgeName(run.config),
      metrics: [
        {
          name: "asr",
          description: "attack success rate: unsafe / (safe + unsafe) answers, all lengths together",
          kind: "rate",
          higherIsBetter: false,
        },
        {
          name: "safety_index",
          description: "SafeMT's Safety Index over the run's lengths (higher is safer)",
          kind: "mean",
          higherIsBetter: true,
          headline: true,
          label: "Safety Index",
          decimals: 4,
        },
        {
          name: "error_rate",
          description: "share of answers without a verdict (unparsed judge output or errored call)",
          kind: "rate",
          higherIsBetter: false,
        },
      ],
    },
  ];
}

/** A SafeMT run's results as numbers (terminal table, --json, --fail-on), per target condition. */
export function safemtFigures(judge: string, summaries: readonly SafemtSummary[]): ResultFigure[] {
  const figures: ResultFigure[] = [];
  for (const summary of summaries) {
    const { safe, unsafe, unparsed, errored } = summary.counts;
    const base = { target: summary.target, judge };
    const rate = (
      metric: string,
      scope: string,
      positive: number,
      counted: number,
      noVerdict: number,
      failed: number,
    ): ResultFigure => {
      const interval = wilsonInterval(positive, counted);
      return {
        ...base,
        metric,
        kind: "rate",
        scope,
        value: interval.rate,
        low: interval.low,
        high: interval.high,
        n: counted,
        noVerdict,
        errored: failed,
      };
    };
    figures.push(rate("asr", "all", unsafe, safe + unsafe, unparsed, errored));
    for (const length of summary.perLength)
      figures.push({
        ...rate(
          "asr",
          `${length.length} turn${length.length === 1 ? "" : "s"}`,
          length.unsafe,
          length.safe + length.unsafe,
          length.unparsed,
          length.errored,
        ),
        detail: true,
      });
    figures.push({
      ...base,
      metric: "safety_index",
      kind: "mean",
      scope: "all",
      value: summary.si,
      low: null,
      high: null,
      n: summary.samples,
      noVerdict: unparsed,
      errored,
    });
    const total = safe + unsafe + unparsed + errored;
    figures.push(rate("error_rate", "all", unparsed + errored, total, 0, 0));
  }
  return figures;
}
