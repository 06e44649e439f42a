import type { ReportData } from "../reports/report-data.ts";
import type { ResultFigure } from "../reports/result-figure.ts";

/**
 * A metric a scorer declares, in the spirit of Inspect's `@scorer(metrics=[...])`: the name its
 * figures carry (and `--fail-on` rules use), what it measures and which way is better.
 */
export interface MetricDeclaration {
  /** As figures and gate rules name it, e.g. `unsafe_rate`. */
  name: string;
  /** One line for people: what is measured, over what. */
  description: string;
  /** `rate`: a share in [0, 1] (95% Wilson interval); `mean`: an average (95% t interval or none). */
  kind: "rate" | "mean";
  higherIsBetter: boolean;
  /** Shown as one headline card per target of the report (with `label`, else the name). */
  headline?: boolean;
  /** The headline card's label, e.g. `unsafe rate`. */
  label?: string;
  /** Decimals a mean is shown with on its card (default 2). */
  decimals?: number;
}

/** A scorer of a benchmark (a judge, a grader, a validator) with the metrics it declares. */
export interface ScorerDeclaration {
  /** As figures and gate rules name it (`ResultFigure.judge`), e.g. `safety`. */
  name: string;
  metrics: MetricDeclaration[];
}

/** Scorer name -> its metric names, as the CI gate checks rules against them. */
export function metricsByScorer(scorers: readonly ScorerDeclaration[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const scorer of scorers)
    map.set(scorer.name, [...(map.get(scorer.name) ?? []), ...scorer.metrics.map((metric) => metric.name)]);
  return map;
}

/** The declaration of a figure's metric, if its scorer declares it. */
export function declarationOf(
  scorers: readonly ScorerDeclaration[],
  judge: string,
  metric: string,
): MetricDeclaration | undefined {
  for (const scorer of scorers)
    if (scorer.name === judge) {
      const found = scorer.metrics.find((declared) => declared.name === metric);
      if (found) return found;
    }
  return undefined;
}

/** The figures whose metric their scorer does not declare (a report should show none). */
export function undeclaredFigures(
  scorers: readonly ScorerDeclaration[],
  figures: readonly ResultFigure[],
): ResultFigure[] {
  return figures.filter((figure) => !declarationOf(scorers, figure.judge, figure.metric));
}

/** `scorer metric` of each declared metric that no overall (`scope: all`) figure measures. */
export function unmeasuredMetrics(
  scorers: readonly ScorerDeclaration[],
  figures: readonly ResultFigure[],
): string[] {
  const measured = new Set(
    figures.filter((figure) => figure.scope === "all").map((figure) => `${figure.judge} ${figure.metric}`),
  );
  return scorers.flatMap((scorer) =>
    scorer.metrics.map((metric) => `${scorer.name} ${metric.name}`).filter((key) => !measured.has(key)),
  );
}

/** `safety: unsafe_rate, error_rate; refusal: ...`, for error messages. */
export function describeScorers(scorers: readonly ScorerDeclaration[]): string {
  return [...metricsByScorer(scorers)].map(([name, metrics]) => `${name}: ${metrics.join(", ")}`).join("; ");
}

/**
 * The headline cards of a report's figures: one per overall (`scope: all`) figure whose metric
 * its scorer declares as a headline, in declaration order, then by target. `note` may add a
 * line to a card; by default a card notes the judgements without a verdict or errored.
 */
export function headlineCards(
  scorers: readonly ScorerDeclaration[],
  figures: readonly ResultFigure[],
  note?: (figure: ResultFigure) => string | undefined,
): ReportData["headline"] {
  const cards: ReportData["headline"] = [];
  for (const scorer of scorers)
    for (const metric of scorer.metrics) {
      if (!metric.headline) continue;
      for (const figure of figures) {
        if (figure.scope !== "all" || figure.judge !== scorer.name || figure.metric !== metric.name) continue;
        const failed = figure.noVerdict + figure.errored;
        cards.push({
          label: `${metric.label ?? metric.name} · ${figure.target}`,
          value: formatFigure(figure, metric),
          note:
            note?.(figure) ??
            (failed > 0 ? `${figure.noVerdict} unparsed, ${figure.errored} errored` : undefined),
          figure,
        });
      }
    }
  return cards;
}

function formatFigure(figure: ResultFigure, metric: MetricDeclaration): string {
  if (figure.value === null) return "—";
  return figure.kind === "rate"
    ? `${(figure.value * 100).toFixed(1)}%`
    : figure.value.toFixed(metric.decimals ?? 2);
}
