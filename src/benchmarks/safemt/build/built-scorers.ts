import type { RunRecord } from "../../../engine/store.ts";
import { wilsonInterval } from "../../../metrics/proportion.ts";
import type { ResultFigure } from "../../../reports/result-figure.ts";
import type { ScorerDeclaration } from "../../scorer-declaration.ts";

/** The validator of built dialogues, under which a build's figures are filed. */
export const BUILD_SCORER = "build";

/** The scorer of a `safemt build` run: the validator, declaring the share of dialogues not built. */
export function builtScorers(_run?: Pick<RunRecord, "config">): ScorerDeclaration[] {
  return [
    {
      name: BUILD_SCORER,
      metrics: [
        {
          name: "failure_rate",
          description:
            "dialogues the attacker's answers were rejected for on every attempt, among those attempted",
          kind: "rate",
          higherIsBetter: false,
          headline: true,
          label: "failed to build",
        },
      ],
    },
  ];
}

/** A build's results as numbers (terminal, --json, --fail-on): its failure rate, for its attacker. */
export function builtFigures(
  run: Pick<RunRecord, "config">,
  counts: { done: number; errored: number },
): ResultFigure[] {
  const attacker = (run.config as { attacker?: unknown } | null)?.attacker;
  const attempted = counts.done + counts.errored;
  const interval = wilsonInterval(counts.errored, attempted);
  return [
    {
      target: typeof attacker === "string" ? attacker : "",
      judge: BUILD_SCORER,
      metric: "failure_rate",
      kind: "rate",
      scope: "all",
      value: interval.rate,
      low: interval.low,
      high: interval.high,
      n: attempted,
      noVerdict: 0,
      errored: 0,
    },
  ];
}
