import type { Store } from "../engine/store.ts";
import { meanInterval, wilsonInterval } from "../metrics/proportion.ts";
import { flaggedLabelOf, rateMetric } from "./dialogue-figures.ts";
import type { MetricTable } from "./report-data.ts";
import type { ResultFigure } from "./result-figure.ts";

/** The dialogue a sample case `<id>#<k>` was drawn from. */
export function sampleOf(caseId: string): string {
  const at = caseId.lastIndexOf("#");
  return at === -1 ? caseId : caseId.slice(0, at);
}

/**
 * How repeated samples of the same dialogue agree, per judge and target: the share of
 * dialogues whose samples (two or more with a verdict) got different flagged/not-flagged
 * verdicts (95% Wilson interval), and the flagged rate with dialogues, not samples, as the
 * unit: the mean of each dialogue's share of flagged samples, with a 95% t interval, which
 * widens when samples of a dialogue agree with one another more than with other dialogues
 * (clipped to [0, 1]).
 */
export function repeatVariance(
  store: Store,
  runId: string,
  runConfig: unknown,
): { figures: ResultFigure[]; table: MetricTable } {
  // scorer -> dialogue -> [flagged samples, samples with a verdict]
  const byScorer = new Map<string, Map<string, [number, number]>>();
  for (const score of store.iterateScores(runId)) {
    if (score.status !== "ok" || score.value === null) continue;
    const judge = score.scorer.split("@")[0] ?? score.scorer;
    const flagged = flaggedLabelOf(judge, runConfig);
    let dialogues = byScorer.get(score.scorer);
    if (!dialogues) {
      dialogues = new Map();
      byScorer.set(score.scorer, dialogues);
    }
    const dialogue = sampleOf(score.caseId);
    const entry = dialogues.get(dialogue) ?? [0, 0];
    if (score.label === flagged) entry[0]++;
    entry[1]++;
    dialogues.set(dialogue, entry);
  }
  const figures: ResultFigure[] = [];
  const rows: MetricTable["rows"] = [];
  for (const [scorer, dialogues] of [...byScorer].sort(([a], [b]) => a.localeCompare(b))) {
    const at = scorer.indexOf("@");
    const judge = scorer.slice(0, at);
    const target = scorer.slice(at + 1);
    const repeated = [...dialogues.values()].filter(([, samples]) => samples >= 2);
    const disagreeing = repeated.filter(([flagged, samples]) => flagged > 0 && flagged < samples).length;
    const disagreement = wilsonInterval(disagreeing, repeated.length);
    const perDialogue = meanInterval([...dialogues.values()].map(([flagged, samples]) => flagged / samples));
    const metric = rateMetric(flaggedLabelOf(judge, runConfig) ?? "flagged");
    const base = { target, judge, scope: "all", noVerdict: 0, errored: 0 };
    figures.push(
      {
        ...base,
        metric: "sample_disagreement",
        kind: "rate",
        value: disagreement.rate,
        low: disagreement.low,
        high: disagreement.high,
        n: repeated.length,
      },
      {
        ...base,
        metric: `${metric}_per_dialogue`,
        kind: "rate",
        value: perDialogue.mean,
        low: clip(perDialogue.low),
        high: clip(perDialogue.high),
        n: perDialogue.n,
      },
    );
    rows.push([
      target,
      judge,
      repeated.length,
      disagreement.rate,
      disagreement.low,
      disagreement.high,
      perDialogue.mean,
      clip(perDialogue.low),
      clip(perDialogue.high),
    ]);
  }
  return {
    figures,
    table: {
      title: "Agreement across repeated samples",
      note: "Each dialogue was played several times. Disagreement: share of dialogues (with two or more judged samples) whose samples were not all flagged or all not flagged (95% Wilson interval). Rate per dialogue: the mean over dialogues of each one's share of flagged samples, with a 95% t interval over dialogues; it is wider than the rate over samples when a dialogue's samples agree with one another.",
      columns: [
        "target",
        "judge",
        "dialogues",
        "disagreement",
        "low",
        "high",
        "rate per dialogue",
        "low",
        "high",
      ],
      formats: [
        "text",
        "text",
        "integer",
        "percent",
        "interval-low",
        "interval-high",
        "percent",
        "interval-low",
        "interval-high",
      ],
      rows,
    },
  };
}

/** A t interval bound of a share, kept within [0, 1]. */
function clip(bound: number | null): number | null {
  return bound === null ? null : Math.min(1, Math.max(0, bound));
}
