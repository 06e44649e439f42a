import type { MetricDeclaration, ScorerDeclaration } from "../scorer-declaration.ts";

const accuracy = (name: string, description: string): MetricDeclaration => ({
  name,
  description,
  kind: "rate",
  higherIsBetter: true,
});

/**
 * The scorers of an MTMCS run (the same for every run): the rubric judge's two qualities, each a
 * 1-5 mean (headlines), and the intent questions' accuracies. Figures are per target x defence,
 * over everything (`all`) and per split x modality.
 */
export function mtmcsScorers(): ScorerDeclaration[] {
  return [
    {
      name: "safety-awareness",
      metrics: [
        {
          name: "safety_awareness_mean",
          description: "rubric judge's safety-awareness score (1-5) of unsafe dialogues",
          kind: "mean",
          higherIsBetter: true,
          headline: true,
          label: "safety awareness",
        },
      ],
    },
    {
      name: "helpfulness",
      metrics: [
        {
          name: "helpfulness_mean",
          description: "rubric judge's helpfulness score (1-5) of safe dialogues",
          kind: "mean",
          higherIsBetter: true,
          headline: true,
          label: "helpfulness",
        },
      ],
    },
    {
      name: "intent",
      metrics: [
        accuracy("mcq_safe_accuracy", "multiple-choice intent questions answered right, safe dialogues"),
        accuracy("mcq_unsafe_accuracy", "multiple-choice intent questions answered right, unsafe dialogues"),
        accuracy("true_false_accuracy", "true/false intent questions answered right"),
      ],
    },
  ];
}
