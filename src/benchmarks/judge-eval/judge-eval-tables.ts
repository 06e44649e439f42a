import type { ChartSpec, MetricTable } from "../../reports/report-data.ts";
import { positiveName } from "./judge-eval-case-views.ts";
import type { JudgeEvalSummary } from "./judge-eval-summary.ts";

// The tables and charts of a judge evaluation's report (judge-eval-report.ts).

export function agreementTable(summary: JudgeEvalSummary): MetricTable {
  return {
    title: `Agreement with the human labels (positive: ${positiveName(summary.task, true)})`,
    note: "ROC-AUC only for judges that give graded scores (more than two distinct values).",
    columns: [
      "judge",
      "items",
      "accuracy",
      "precision",
      "recall",
      "F1",
      "Cohen's kappa",
      "ROC-AUC",
      "strict accuracy",
      "unparsed",
      "errored",
    ],
    formats: [
      "text",
      "integer",
      "percent",
      "percent",
      "percent",
      "percent",
      "number",
      "number",
      "percent",
      "integer",
      "integer",
    ],
    rows: summary.judges.map((judge) => [
      judge.label,
      judge.overall.items,
      judge.overall.accuracy,
      judge.overall.precision,
      judge.overall.recall,
      judge.overall.f1,
      judge.overall.kappa,
      judge.rocAuc,
      judge.overall.strictAccuracy,
      judge.overall.noVerdict.unparsed,
      judge.overall.noVerdict.errored,
    ]),
  };
}

export function confusionTable(summary: JudgeEvalSummary): MetricTable {
  const yes = positiveName(summary.task, true);
  const no = positiveName(summary.task, false);
  return {
    title: "Confusion (human label × judge verdict)",
    columns: ["judge", `${yes} → ${yes}`, `${yes} → ${no}`, `${no} → ${yes}`, `${no} → ${no}`, "no verdict"],
    formats: ["text", "integer", "integer", "integer", "integer", "integer"],
    rows: summary.judges.map((judge) => {
      const c = judge.overall.confusion;
      const none = judge.overall.noVerdict;
      return [
        judge.label,
        c.truePositive,
        c.falseNegative,
        c.falsePositive,
        c.trueNegative,
        none.unparsed + none.errored,
      ];
    }),
  };
}

export function categoryTable(summary: JudgeEvalSummary): MetricTable {
  return {
    title: "Per category",
    note: summary.judges.some((judge) => judge.categories.length > 0)
      ? undefined
      : "The data names no categories.",
    columns: [
      "judge",
      "category",
      "items",
      "accuracy",
      "precision",
      "recall",
      "F1",
      "Cohen's kappa",
      "no verdict",
    ],
    formats: ["text", "text", "integer", "percent", "percent", "percent", "percent", "number", "integer"],
    rows: summary.judges.flatMap((judge) =>
      judge.categories.map((row) => [
        judge.label,
        row.category,
        row.items,
        row.accuracy,
        row.precision,
        row.recall,
        row.f1,
        row.kappa,
        row.noVerdict.unparsed + row.noVerdict.errored,
      ]),
    ),
  };
}

export function sweepTables(summary: JudgeEvalSummary): MetricTable[] {
  return summary.judges
    .filter((judge) => judge.graded)
    .map((judge) => ({
      title: `Threshold sweep · ${judge.label}`,
      note: `Flagged when the score is at or above the threshold. Best F1 at ${judge.bestThreshold?.threshold.toFixed(3) ?? "—"}.`,
      columns: ["threshold", "precision", "recall", "F1", "false-positive rate", "accuracy"],
      formats: ["number", "percent", "percent", "percent", "percent", "percent"],
      rows: judge.sweep.map((point) => [
        point.threshold,
        point.precision,
        point.recall,
        point.f1,
        point.falsePositiveRate,
        point.accuracy,
      ]),
    }));
}

export function costTable(summary: JudgeEvalSummary): MetricTable {
  return {
    title: "Cost and latency",
    note: "Latency is each verdict's wall time; answers served from the cache or resumed take almost none.",
    columns: [
      "judge",
      "calls",
      "input tokens",
      "output tokens",
      "cost",
      "cost per 1,000 items",
      "p50 ms",
      "p90 ms",
      "p99 ms",
    ],
    formats: ["text", "integer", "integer", "integer", "usd", "usd", "number", "number", "number"],
    rows: summary.judges.map((judge) => [
      judge.label,
      judge.usage.calls,
      judge.usage.inputTokens,
      judge.usage.outputTokens,
      judge.usage.costUsd,
      judge.costPer1000Items,
      round(judge.latencyMs.p50),
      round(judge.latencyMs.p90),
      round(judge.latencyMs.p99),
    ]),
  };
}

export function disagreementTable(summary: JudgeEvalSummary, shown: string[]): MetricTable {
  return {
    title: "Disagreements with the human labels",
    note:
      summary.disagreementsOmitted > 0
        ? `${summary.disagreementsOmitted} more not listed (see --json or export).`
        : "Every item a judge got wrong or left without a verdict.",
    columns: ["item", "judge", "kind", "human label", "verdict", "request", "answer", "judge's reason"],
    rows: summary.disagreements.map((item) => [
      item.caseId,
      item.judge,
      item.kind,
      item.gold,
      item.verdict,
      item.request,
      item.answer,
      item.explanation,
    ]),
    caseLinks: summary.disagreements.map((item) => {
      const index = shown.indexOf(item.caseId);
      return index < 0 ? null : index;
    }),
  };
}

export function agreementChart(summary: JudgeEvalSummary): ChartSpec {
  return {
    kind: "bar",
    title: "F1 and Cohen's kappa per judge",
    xLabel: "judge",
    yLabel: "value",
    yRange: [Math.min(0, ...summary.judges.map((judge) => judge.overall.kappa ?? 0)), 1],
    series: [
      { name: "F1", points: summary.judges.map((judge) => ({ x: judge.label, y: judge.overall.f1 ?? 0 })) },
      {
        name: "kappa",
        points: summary.judges.map((judge) => ({ x: judge.label, y: judge.overall.kappa ?? 0 })),
      },
    ],
  };
}

export function rocCharts(summary: JudgeEvalSummary): ChartSpec[] {
  const graded = summary.judges.filter((judge) => judge.graded);
  if (graded.length === 0) return [];
  return [
    {
      kind: "line",
      title: "ROC curves of graded judges",
      xLabel: "false-positive rate",
      yLabel: "recall",
      xRange: [0, 1],
      yRange: [0, 1],
      xFormat: "percent",
      yFormat: "percent",
      series: graded.map((judge) => ({
        name: `${judge.label} (AUC ${judge.rocAuc?.toFixed(3) ?? "—"})`,
        points: [
          { x: 0, y: 0 },
          ...judge.sweep.map((point) => ({ x: point.falsePositiveRate ?? 0, y: point.recall ?? 0 })),
          { x: 1, y: 1 },
        ],
      })),
    },
  ];
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
