import { readFileSync } from "node:fs";
import type { UsageRow } from "../engine/store.ts";
import type { ReportData } from "../reports/report-data.ts";
import { costOf, type ResultFigure } from "../reports/result-figure.ts";

/** What the terminal shows of a run's results, read back from its JSON report. */
export interface RunResults {
  figures: ResultFigure[];
  usage: UsageRow[];
}

/** Reads the figures and usage of a written JSON report (reports from before figures have none). */
export function readRunResults(reportJson: string): RunResults {
  const data = JSON.parse(readFileSync(reportJson, "utf8")) as Partial<ReportData>;
  return { figures: data.figures ?? [], usage: data.usage ?? [] };
}

const percent = (value: number | null) => (value === null ? "—" : `${(value * 100).toFixed(1)}%`);
const plain = (value: number | null) => (value === null ? "—" : value.toFixed(2));

function shown(figure: ResultFigure): { value: string; interval: string } {
  const format = figure.kind === "rate" ? percent : plain;
  const interval =
    figure.low === null || figure.high === null ? "" : `${format(figure.low)}–${format(figure.high)}`;
  return { value: format(figure.value), interval };
}

/**
 * The results as an aligned plain-text table: one row per target, judge, metric and scope
 * (overall, then per number of user turns), with the value, its 95% interval, the number
 * counted and the judgements without a verdict or errored; then the cost per target and role.
 * `error_rate` figures are left out (their counts are the last two columns). Empty when the
 * report has no figures.
 */
export function formatResultsTable(results: RunResults): string[] {
  const rows = results.figures.filter((figure) => figure.metric !== "error_rate");
  // Reports from before figures were kept carry none: no table.
  if (rows.length === 0) return [];
  const header = [
    "target",
    "judge",
    "metric",
    "scope",
    "value",
    "95% interval",
    "n",
    "no verdict",
    "errored",
  ];
  const cells = rows.map((figure) => {
    const { value, interval } = shown(figure);
    return [
      figure.target,
      figure.judge,
      figure.metric,
      figure.scope,
      value,
      interval,
      String(figure.n),
      String(figure.noVerdict),
      String(figure.errored),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => (row[column] ?? "").length)),
  );
  const numeric = new Set([4, 6, 7, 8]);
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const lines = [line(header), line(widths.map((width) => "-".repeat(width))), ...cells.map(line)];
  return [...lines, ...costLines(results.usage)];
}

function costLines(usage: readonly UsageRow[]): string[] {
  if (usage.length === 0) return [];
  const parts = usage
    .filter((row) => row.calls > 0)
    .map(
      (row) =>
        `${row.role} ${row.targetId} $${row.costUsd.toFixed(4)} (${row.calls} calls, ${row.cachedCalls} cached, ${row.erroredCalls} errored)`,
    );
  return [`cost: $${costOf(usage).toFixed(4)} in all`, ...parts.map((part) => `  ${part}`)];
}

/** The figures that are not breakdowns of others as the `headline` of `--json`, numbers only. */
export function headlineJson(results: RunResults): Record<string, unknown>[] {
  return results.figures
    .filter((figure) => !figure.detail)
    .map((figure) => ({
      target: figure.target,
      judge: figure.judge,
      metric: figure.metric,
      scope: figure.scope,
      kind: figure.kind,
      ...(figure.kind === "rate" ? { rate: figure.value } : { mean: figure.value }),
      low: figure.low,
      high: figure.high,
      n: figure.n,
      noVerdict: figure.noVerdict,
      errored: figure.errored,
    }));
}
