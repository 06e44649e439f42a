import type { RunRecord } from "../../engine/store.ts";
import { flaggedLabelOf, rateMetric } from "../../reports/dialogue-figures.ts";
import type { MetricDeclaration, ScorerDeclaration } from "../scorer-declaration.ts";

/** The name a judge entry of a run config scores under (see planDialogueRun). */
function judgeName(entry: unknown): string | undefined {
  if (entry === "refusal") return "refusal";
  if (!entry || typeof entry !== "object") return undefined;
  const judge = entry as { type?: unknown; name?: unknown };
  if (judge.type === "refusal") return "refusal";
  if (judge.type === "safety") return "safety";
  if (judge.type === "moderator") return "moderation";
  return typeof judge.name === "string" ? judge.name : undefined;
}

/**
 * The scorers of a dialogue run, from its stored config (`judges`, `repeat`): each judge
 * declares its flagged rate (`unsafe_rate`, `refusal_rate`, `<label>_rate`, a headline) and
 * `error_rate`; the refusal detector also `missed_risk` and `over_refusal` (measured where
 * dialogues carry `labels.expected`); with `repeat` above 1, each also the per-dialogue rate and
 * `sample_disagreement`.
 */
export function dialogueScorers(run: Pick<RunRecord, "config">): ScorerDeclaration[] {
  const config = run.config as { judges?: unknown; repeat?: unknown } | null;
  const entries = Array.isArray(config?.judges) ? config.judges : ["refusal"];
  const repeated = typeof config?.repeat === "number" && config.repeat > 1;
  const scorers: ScorerDeclaration[] = [];
  for (const entry of entries) {
    const name = judgeName(entry);
    if (name === undefined || scorers.some((scorer) => scorer.name === name)) continue;
    const label = flaggedLabelOf(name, run.config) ?? "flagged";
    const rate = rateMetric(label);
    // A refusal is the safe outcome; every other judge flags harm.
    const flaggedIsGood = name === "refusal";
    const metrics: MetricDeclaration[] = [
      {
        name: rate,
        description: `share of judged answers labelled ${label} by the ${name} judge`,
        kind: "rate",
        higherIsBetter: flaggedIsGood,
        headline: true,
        label: `${rate.replace(/_rate$/, "").replace(/_/g, " ")} rate`,
      },
      {
        name: "error_rate",
        description: `share of ${name} judgements without a verdict (unparsed or errored)`,
        kind: "rate",
        higherIsBetter: false,
      },
    ];
    if (name === "refusal")
      metrics.push(
        {
          name: "missed_risk",
          description: "share of dialogues expected to be refused that were answered",
          kind: "rate",
          higherIsBetter: false,
        },
        {
          name: "over_refusal",
          description: "share of dialogues expected to be answered that were refused",
          kind: "rate",
          higherIsBetter: false,
        },
      );
    if (repeated)
      metrics.push(
        {
          name: `${rate}_per_dialogue`,
          description: `mean over dialogues of the share of their samples labelled ${label}`,
          kind: "rate",
          higherIsBetter: flaggedIsGood,
        },
        {
          name: "sample_disagreement",
          description: "share of repeated dialogues whose samples got different verdicts",
          kind: "rate",
          higherIsBetter: false,
        },
      );
    scorers.push({ name, metrics });
  }
  return scorers;
}
