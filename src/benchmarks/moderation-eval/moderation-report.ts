import type { Store } from "../../engine/store.ts";
import type { ChartSpec, MetricTable, ReportData } from "../../reports/report-data.ts";
import type { ResultFigure } from "../../reports/result-figure.ts";
import { headlineCards, type ScorerDeclaration } from "../scorer-declaration.ts";
import { disagreements } from "./moderation-case-views.ts";
import { moderationFigures, moderationScorers } from "./moderation-scorers.ts";
import { type ModeratorSummary, SIDES, type Side, summariseModeration } from "./moderation-summary.ts";

/**
 * Builds the report of a moderation evaluation: detection scores per moderator and side,
 * per-dimension scores, confusion matrices, the policy-flip check, latency and cost, an F1 bar
 * chart, and the cases where a moderator disagreed with the gold label or gave no verdict.
 */
export async function buildModerationReport(
  store: Store,
  runId: string,
  options: { maxCases: number; title?: string },
): Promise<ReportData> {
  const run = store.getRun(runId);
  if (!run) throw new Error(`no run ${runId}`);
  const summaries = summariseModeration(store.iterateCases(runId));
  const caseCounts = store.countCases(runId);
  const counts = {
    cases: caseCounts.pending + caseCounts.done + caseCounts.errored,
    done: caseCounts.done,
    errored: caseCounts.errored,
    pending: caseCounts.pending,
    unparsedScores: 0,
    erroredScores: 0,
  };
  for (const summary of summaries)
    for (const side of SIDES) {
      counts.unparsedScores += summary.sides[side]?.noVerdict.unparsed ?? 0;
      counts.erroredScores += summary.sides[side]?.noVerdict.errored ?? 0;
    }
  const { cases, omitted } = await disagreements(store, runId, options.maxCases);
  const figures = moderationFigures(summaries);
  return {
    title: options.title ?? `turnsafe moderation evaluation ${run.name}`,
    generatedAt: new Date().toISOString(),
    run,
    simulator: run.simulator,
    counts,
    headline: headline(summaries, counts, moderationScorers(run), figures),
    figures,
    tables: [
      detectionTable(summaries),
      dimensionTable(summaries),
      ...confusionTables(summaries),
      flipTable(summaries),
      costTable(summaries),
      ...cascadeTable(summaries),
    ],
    charts: [f1Chart(summaries)],
    usage: store.usage(runId),
    cases,
    casesOmitted: omitted,
    warnings: [
      ...(counts.pending > 0
        ? [`${counts.pending} cases have not run yet (interrupted run: rerun to resume)`]
        : []),
      "Latency is the wall time of each moderation; answers served from the cache or resumed take almost none.",
    ],
  };
}

/** Dialogues, then the F1 of each moderator and side, as the evaluation's scorer declares its headlines. */
function headline(
  summaries: ModeratorSummary[],
  counts: ReportData["counts"],
  scorers: ScorerDeclaration[],
  figures: ResultFigure[],
): ReportData["headline"] {
  const strictNote = (figure: ResultFigure) => {
    const side = figure.metric.split("_")[0] as Side;
    const strict = summaries.find((summary) => summary.label === figure.target)?.sides[side]?.strict.f1;
    return `strict ${strict == null ? "—" : `${(strict * 100).toFixed(1)}%`}`;
  };
  return [
    { label: "dialogues", value: `${counts.done} done / ${counts.cases}` },
    ...headlineCards(scorers, figures, strictNote),
  ];
}

function detectionTable(summaries: ModeratorSummary[]): MetricTable {
  const rows: MetricTable["rows"] = [];
  for (const summary of summaries)
    for (const side of SIDES) {
      const scores = summary.sides[side];
      if (!scores) continue;
      rows.push([
        summary.label,
        side,
        scores.labelled,
        scores.lenient.precision,
        scores.lenient.recall,
        scores.lenient.f1,
        scores.lenient.accuracy,
        scores.strict.f1,
        scores.strict.accuracy,
        scores.noVerdict.unparsed,
        scores.noVerdict.errored,
        scores.noVerdict.missing,
      ]);
    }
  return {
    title: "Detection of unsafe sides (unsafe = positive)",
    note: "Lenient scores leave out sides without a verdict (unparsed or errored results, or a side the moderator returned as null); strict scores count each of them as wrong.",
    columns: [
      "moderator",
      "side",
      "labelled",
      "precision",
      "recall",
      "F1",
      "accuracy",
      "strict F1",
      "strict accuracy",
      "unparsed",
      "errored",
      "missing",
    ],
    formats: [
      "text",
      "text",
      "integer",
      "percent",
      "percent",
      "percent",
      "percent",
      "percent",
      "percent",
      "integer",
      "integer",
      "integer",
    ],
    rows,
  };
}

/** Per-dimension scores of every moderator and side, leaving out dimensions no item is labelled with. */
export function dimensionTable(summaries: ModeratorSummary[]): MetricTable {
  const rows: MetricTable["rows"] = [];
  let unsupported = 0;
  for (const summary of summaries)
    for (const side of SIDES)
      for (const entry of summary.sides[side]?.perDimension ?? []) {
        // A dimension no item is labelled with has no recall and says nothing per row; its false
        // positives still show in the dimension confusion matrix.
        if (entry.support === 0) {
          unsupported++;
          continue;
        }
        rows.push([
          summary.label,
          side,
          entry.dimension,
          entry.support,
          entry.precision,
          entry.recall,
          entry.f1,
          entry.accuracy,
        ]);
      }
  const hidden =
    unsupported > 0
      ? ` ${unsupported} moderator, side and dimension rows with no support (no item labelled so) are left out; a moderator naming such a dimension shows in the dimension confusion matrix.`
      : "";
  return {
    title: "Per dimension (one dimension against the rest)",
    note: `A side counts as positive for a dimension when it is unsafe in that dimension; support is the number labelled so.${hidden}`,
    columns: ["moderator", "side", "dimension", "support", "precision", "recall", "F1", "accuracy"],
    formats: ["text", "text", "text", "integer", "percent", "percent", "percent", "percent"],
    rows,
  };
}

function confusionTables(summaries: ModeratorSummary[]): MetricTable[] {
  const tables: MetricTable[] = [];
  for (const summary of summaries)
    for (const side of SIDES) {
      const scores = summary.sides[side];
      if (!scores) continue;
      for (const [kind, matrix] of [
        ["rating", scores.ratingConfusion],
        ["dimension", scores.dimensionConfusion],
      ] as const) {
        if (matrix.rows.length === 0) continue;
        tables.push({
          title: `Confusion of ${kind}s · ${summary.label} · ${side} side`,
          note:
            kind === "rating"
              ? "Rows: gold rating. Columns: the moderator's rating, or why it gave none."
              : "Rows: gold dimension of sides labelled unsafe. Columns: the dimension the moderator named, safe, or why it gave none.",
          columns: [`gold \\ predicted`, ...matrix.columns],
          formats: ["text", ...matrix.columns.map(() => "integer" as const)],
          rows: matrix.rows.map((row, index) => [row, ...(matrix.counts[index] ?? [])]),
        });
      }
    }
  return tables;
}

function flipTable(summaries: ModeratorSummary[]): MetricTable {
  const rows: MetricTable["rows"] = [];
  for (const summary of summaries)
    for (const side of SIDES) {
      const flip = summary.sides[side]?.flip;
      if (!flip || flip.tested === 0) continue;
      rows.push([
        summary.label,
        side,
        flip.tested,
        flip.stillUnsafe,
        flip.noVerdict,
        flip.rate,
        flip.strictRate,
      ]);
    }
  return {
    title: "False positives after removing the violated dimension from the policy",
    note: "Each side labelled unsafe is moderated again under the same policy without its labelled dimension(s); it should then be rated safe. The rate is the share still rated unsafe (strict: no verdict counts as a false positive too).",
    columns: [
      "moderator",
      "side",
      "re-run",
      "still unsafe",
      "no verdict",
      "false-positive rate",
      "strict rate",
    ],
    formats: ["text", "text", "integer", "integer", "integer", "percent", "percent"],
    rows,
  };
}

function costTable(summaries: ModeratorSummary[]): MetricTable {
  return {
    title: "Latency and cost",
    note: "Latency percentiles over the main moderation of each dialogue (nearest rank). Calls, tokens and cost are those of the main moderation (priced from the price table; models without a price count 0; cached answers cost nothing); the policy re-runs of the evaluation are shown apart.",
    columns: [
      "moderator",
      "dialogues",
      "p50 ms",
      "p90 ms",
      "p99 ms",
      "calls",
      "input tokens",
      "output tokens",
      "cost",
      "cost per 1,000 dialogues",
      "re-run calls",
      "re-run cost",
    ],
    formats: [
      "text",
      "integer",
      "number",
      "number",
      "number",
      "integer",
      "integer",
      "integer",
      "usd",
      "usd",
      "integer",
      "usd",
    ],
    rows: summaries.map((summary) => [
      summary.label,
      summary.dialogues,
      round(summary.latencyMs.p50),
      round(summary.latencyMs.p90),
      round(summary.latencyMs.p99),
      summary.usage.calls,
      summary.usage.inputTokens,
      summary.usage.outputTokens,
      summary.usage.costUsd,
      summary.costPer1000Dialogues,
      summary.flipUsage.calls,
      summary.flipUsage.costUsd,
    ]),
  };
}

function cascadeTable(summaries: ModeratorSummary[]): MetricTable[] {
  const rows: MetricTable["rows"] = summaries.flatMap((summary) =>
    summary.cascade
      ? [
          [
            summary.label,
            summary.cascade.moderated,
            summary.cascade.escalated,
            summary.cascade.saved,
            summary.cascade.moderated === 0 ? null : summary.cascade.saved / summary.cascade.moderated,
          ],
        ]
      : [],
  );
  if (rows.length === 0) return [];
  return [
    {
      title: "Cascade escalations",
      note: "Main moderations the local guard decided alone (saved: no model call) and those it escalated to the fallback moderator.",
      columns: ["moderator", "moderated", "escalated", "decided locally", "share saved"],
      formats: ["text", "integer", "integer", "integer", "percent"],
      rows,
    },
  ];
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

function f1Chart(summaries: ModeratorSummary[]): ChartSpec {
  return {
    kind: "bar",
    title: "F1 by side",
    xLabel: "side",
    yLabel: "F1",
    yRange: [0, 1],
    yFormat: "percent",
    series: summaries.map((summary) => ({
      name: summary.label,
      points: SIDES.flatMap((side) => {
        const f1 = summary.sides[side]?.lenient.f1;
        return f1 === null || f1 === undefined ? [] : [{ x: side, y: f1 }];
      }),
    })),
  };
}
