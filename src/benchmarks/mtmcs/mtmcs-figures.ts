import { meanInterval, wilsonInterval } from "../../metrics/proportion.ts";
import type { ResultFigure } from "../../reports/result-figure.ts";
import type { IntentTally, MtmcsGroup, ScoreTally } from "./mtmcs-aggregate.ts";

/**
 * An MTMCS run's results as numbers (terminal table, --json): per split x modality x target x
 * defence, the safety-awareness and helpfulness means (1-5, 95% t intervals) and the intent
 * accuracies over parsed answers (95% Wilson intervals). The target is `<target> · <defence>`.
 */
export function mtmcsFigures(groups: readonly MtmcsGroup[]): ResultFigure[] {
  const figures: ResultFigure[] = [];
  for (const group of groups) {
    const base = {
      target: `${group.targetId} · ${group.defence}`,
      scope: `${group.split} ${group.modality}`,
    };
    const mean = (judge: string, tally: ScoreTally): ResultFigure => {
      const interval = meanInterval(tally.values);
      return {
        ...base,
        judge,
        metric: `${judge.replace(/-/g, "_")}_mean`,
        kind: "mean",
        value: interval.mean,
        low: interval.low,
        high: interval.high,
        n: interval.n,
        noVerdict: tally.unparsed,
        errored: tally.errored,
      };
    };
    const accuracy = (metric: string, tally: IntentTally): ResultFigure => {
      const interval = wilsonInterval(tally.correct, tally.parsed);
      return {
        ...base,
        judge: "intent",
        metric,
        kind: "rate",
        value: interval.rate,
        low: interval.low,
        high: interval.high,
        n: tally.parsed,
        noVerdict: tally.unparsed,
        errored: tally.errored,
      };
    };
    figures.push(
      mean("safety-awareness", group.safetyAwareness),
      mean("helpfulness", group.helpfulness),
      accuracy("mcq_safe_accuracy", group.mcqSafe),
      accuracy("mcq_unsafe_accuracy", group.mcqUnsafe),
      accuracy("true_false_accuracy", group.trueFalse),
    );
  }
  return figures;
}
