import type { Store } from "../../engine/store.ts";
import type { ReportData } from "../../reports/report-data.ts";
import type { JudgeTask } from "./gold-labels.ts";
import { judgeEvalCaseViews, positiveName } from "./judge-eval-case-views.ts";
import { summariseJudgeEval } from "./judge-eval-summary.ts";
import {
  agreementChart,
  agreementTable,
  categoryTable,
  confusionTable,
  costTable,
  disagreementTable,
  rocCharts,
  sweepTables,
} from "./judge-eval-tables.ts";

/** The task a stored evaluation was run with (its config). */
export function taskOf(config: unknown): JudgeTask {
  return (config as { task?: unknown } | null)?.task === "refusal" ? "refusal" : "harm";
}

/**
 * The report of a judge evaluation: agreement with the human labels per judge (accuracy,
 * precision, recall, F1, Cohen's kappa, ROC-AUC for graded judges), confusion matrices, per
 * category, threshold sweeps, cost and latency, the disagreements with their text, and the case
 * browser with the items judges got wrong first.
 */
export async function buildJudgeEvalReport(
  store: Store,
  runId: string,
  options: { maxCases: number; imageBaseDir?: string; title?: string },
): Promise<ReportData> {
  const run = store.getRun(runId);
  if (!run) throw new Error(`no run ${runId}`);
  const summary = summariseJudgeEval(store.iterateCases(runId), taskOf(run.config));
  const caseCounts = store.countCases(runId);
  const counts = {
    cases: caseCounts.pending + caseCounts.done + caseCounts.errored,
    ...caseCounts,
    unparsedScores: summary.judges.reduce((sum, judge) => sum + judge.overall.noVerdict.unparsed, 0),
    erroredScores: summary.judges.reduce((sum, judge) => sum + judge.overall.noVerdict.errored, 0),
  };
  const { cases, omitted } = await judgeEvalCaseViews(
    store,
    runId,
    summary,
    options.maxCases,
    options.imageBaseDir,
  );
  const percent = (value: number | null) => (value === null ? "—" : `${(value * 100).toFixed(1)}%`);
  return {
    title: options.title ?? `turnsafe judge evaluation ${run.name}`,
    generatedAt: new Date().toISOString(),
    run,
    simulator: run.simulator,
    counts,
    headline: [
      {
        label: "items",
        value: `${summary.items}`,
        note: `${summary.positives} ${positiveName(summary.task, true)}, ${summary.negatives} ${positiveName(summary.task, false)}`,
      },
      ...summary.judges.map((judge) => ({
        label: `F1 · ${judge.label}`,
        value: percent(judge.overall.f1),
        note: `kappa ${judge.overall.kappa === null ? "—" : judge.overall.kappa.toFixed(2)}, ${judge.overall.noVerdict.unparsed + judge.overall.noVerdict.errored} without verdict`,
      })),
    ],
    tables: [
      agreementTable(summary),
      confusionTable(summary),
      ...(summary.judges.some((judge) => judge.categories.length > 0) ? [categoryTable(summary)] : []),
      ...sweepTables(summary),
      costTable(summary),
      disagreementTable(
        summary,
        cases.map((view) => view.caseId),
      ),
    ],
    charts: [agreementChart(summary), ...rocCharts(summary)],
    usage: store.usage(runId),
    cases,
    casesOmitted: omitted,
    warnings: [
      ...(counts.pending > 0
        ? [`${counts.pending} items have not run yet (interrupted run: rerun to resume)`]
        : []),
      ...(counts.errored > 0
        ? [`${counts.errored} items errored and are in no figure (rerun with --retry-errors)`]
        : []),
      "Precision, recall, F1 and kappa leave out items without a verdict (unparsed or errored); strict accuracy counts them as wrong.",
    ],
  };
}
