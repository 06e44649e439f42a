import { meanInterval, wilsonInterval } from "../../metrics/proportion.ts";
import type { ResultFigure } from "../../reports/result-figure.ts";
import type { IntentTally, MtmcsGroup, ScoreTally } from "./mtmcs-aggregate.ts";

/**
 * An MTMCS run's results as numbers (terminal table, --json, --fail-on): per target x defence,
 * over every split and modality (scope `all`) and per split x modality, the safety-awareness
 * and helpfulness means (1-5, 95% t intervals) and the intent accuracies over parsed answers
 * (95% Wilson intervals). The target is `<target> · <defence>`.
 */
export function mtmcsFigures(groups: readonly MtmcsGroup[]): ResultFigure[] {
  const figures: ResultFigure[] = [];
  for (const group of [...overallGroups(groups), ...groups]) {
    const base = {
      target: `${group.targetId} · ${group.defence}`,
      scope: group.split === "" ? "all" : `${group.split} ${group.modality}`,
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

/** One group per target x defence, pooling its splits and modalities (split and modality empty). */
function overallGroups(groups: readonly MtmcsGroup[]): MtmcsGroup[] {
  const pooled = new Map<string, MtmcsGroup>();
  for (const group of groups) {
    const key = `${group.targetId}\u0000${group.defence}`;
    let sum = pooled.get(key);
    if (!sum) {
      sum = {
        split: "",
        modality: "",
        targetId: group.targetId,
        defence: group.defence,
        mcqSafe: { correct: 0, parsed: 0, unparsed: 0, errored: 0 },
        mcqUnsafe: { correct: 0, parsed: 0, unparsed: 0, errored: 0 },
        trueFalse: { correct: 0, parsed: 0, unparsed: 0, errored: 0 },
        safetyAwareness: { values: [], unparsed: 0, errored: 0 },
        helpfulness: { values: [], unparsed: 0, errored: 0 },
        failedDialogues: 0,
      };
      pooled.set(key, sum);
    }
    for (const name of ["mcqSafe", "mcqUnsafe", "trueFalse"] as const) {
      const into = sum[name];
      const from = group[name];
      into.correct += from.correct;
      into.parsed += from.parsed;
      into.unparsed += from.unparsed;
      into.errored += from.errored;
    }
    for (const name of ["safetyAwareness", "helpfulness"] as const) {
      for (const value of group[name].values) sum[name].values.push(value);
      sum[name].unparsed += group[name].unparsed;
      sum[name].errored += group[name].errored;
    }
    sum.failedDialogues += group.failedDialogues;
  }
  return [...pooled.values()];
}
