import { hasScoreProblem } from "./case-browser.ts";
import { displayTable } from "./display-table.ts";
import { formatInteger, formatRange, formatUsd, formatValue } from "./format-value.ts";
import type { ChartSpec, ReportData } from "./report-data.ts";
import { usageTotals } from "./usage-totals.ts";

/** Options for the Markdown report. */
export interface MarkdownReportOptions {
  /** How many problem cases (errored, or with unparsed/errored scores) to list; default 20. */
  maxProblemCases?: number;
}

/**
 * Renders a run as Markdown for CI logs and pull-request comments: headline, counts,
 * warnings, tables, chart data, usage and the cases that need a look. Text from the data
 * is escaped so it cannot open HTML tags or break table rows.
 */
export function renderMarkdownReport(data: ReportData, options: MarkdownReportOptions = {}): string {
  const { run, counts } = data;
  const lines: string[] = [`# ${inline(data.title)}`, ""];
  if (data.simulator || run.simulator)
    lines.push("> **⚠ Results from the turnsafe simulator — scripted replies, not a model.**", "");
  if (run.status !== "completed")
    lines.push(`> **This run is ${inline(run.status)}:** figures cover only the cases finished so far.`, "");
  lines.push(
    `Run \`${code(run.id)}\` · ${inline(run.name)} · recipe \`${code(run.recipe)}\` · status **${inline(run.status)}** · ` +
      `created ${inline(run.createdAt)} · generated ${inline(data.generatedAt)}`,
    "",
  );

  if (data.headline.length) {
    lines.push("## Headline", "");
    lines.push(
      ...table(
        ["Figure", "Value", "Note"],
        data.headline.map((f) => [f.label, f.value, f.note ?? ""]),
      ),
      "",
    );
  }

  lines.push("## Counts", "");
  const flag = (value: number) => (value > 0 ? `**${formatInteger(value)}** ⚠` : "0");
  lines.push(
    ...table(
      ["Cases", "Done", "Errored cases", "Pending cases", "Unparsed scores", "Errored scores"],
      [
        [
          formatInteger(counts.cases),
          formatInteger(counts.done),
          flag(counts.errored),
          flag(counts.pending),
          flag(counts.unparsedScores),
          flag(counts.erroredScores),
        ],
      ],
    ),
    "",
  );

  if (data.warnings.length) lines.push("## Warnings", "", ...data.warnings.map((w) => `- ${inline(w)}`), "");

  for (const metricTable of data.tables) {
    const shown = displayTable(metricTable);
    lines.push(`## ${inline(shown.title)}`, "");
    if (shown.note) lines.push(inline(shown.note), "");
    const rows = shown.rows.map((row) =>
      row.map((cell) => (cell.interval ? `${cell.text} (${cell.interval})` : cell.text)),
    );
    lines.push(...table(shown.columns, rows));
    if (shown.hasIntervals) lines.push("", "_Figures in parentheses are confidence intervals._");
    lines.push("");
  }

  for (const chart of data.charts) lines.push(`## ${inline(chart.title)}`, "", ...chartTable(chart), "");

  lines.push("## Usage and cost", "");
  if (data.usage.length === 0) lines.push("No model calls recorded.", "");
  else {
    const figures = (row: ReturnType<typeof usageTotals>) => [
      formatInteger(row.calls),
      formatInteger(row.cachedCalls),
      formatInteger(row.erroredCalls),
      formatInteger(row.retries),
      formatInteger(row.rateLimited),
      formatInteger(row.serverErrors),
      formatInteger(row.inputTokens),
      formatInteger(row.outputTokens),
      formatUsd(row.costUsd),
    ];
    const rows = data.usage.map((row) => [row.role, row.targetId, ...figures(row)]);
    rows.push(["**Total**", "", ...figures(usageTotals(data.usage))]);
    const header = [
      "Role",
      "Target",
      "Calls",
      "Cached",
      "Errored",
      "Retries",
      "429s",
      "5xx/timeouts",
      "Input tokens",
      "Output tokens",
      "Cost (USD)",
    ];
    lines.push(...table(header, rows), "");
  }

  lines.push(...problemCases(data, options.maxProblemCases ?? 20));
  return `${lines.join("\n").trimEnd()}\n`;
}

function problemCases(data: ReportData, limit: number): string[] {
  const problems = data.cases.filter((view) => view.status === "errored" || hasScoreProblem(view));
  if (problems.length === 0 && data.casesOmitted === 0) return [];
  const lines = ["## Cases needing attention", ""];
  if (problems.length === 0) lines.push("None among the cases included in this report.");
  for (const view of problems.slice(0, limit)) {
    const troubles = view.scores
      .filter((score) => score.status !== "ok")
      .map((score) => `${score.scorer} ${score.status}`);
    const error = view.error ? `: ${view.error}` : "";
    const scores = troubles.length ? ` (scores: ${troubles.join(", ")})` : "";
    lines.push(`- \`${code(view.caseId)}\` ${inline(view.status)}${inline(error)}${inline(scores)}`);
  }
  if (problems.length > limit) lines.push(`- … and ${formatInteger(problems.length - limit)} more`);
  if (data.casesOmitted > 0)
    lines.push("", `${formatInteger(data.casesOmitted)} more cases not included in this report.`);
  lines.push("");
  return lines;
}

/** Chart data as a table: one row per x value and one column per series (scatter: one row per point). */
function chartTable(chart: ChartSpec): string[] {
  const value = (y: number, low?: number, high?: number) => {
    const range = formatRange(low, high, chart.yFormat);
    return `${formatValue(y, chart.yFormat)}${range ? ` (${range})` : ""}`;
  };
  const xText = (x: string | number) => (typeof x === "string" ? x : formatValue(x, chart.xFormat));
  if (chart.kind === "scatter") {
    const rows = chart.series.flatMap((series) =>
      series.points.map((point) => [
        series.name,
        point.label ?? "",
        xText(point.x),
        value(point.y, point.low, point.high),
      ]),
    );
    return table(["Series", "Point", chart.xLabel, chart.yLabel], rows);
  }
  const xs = [...new Set(chart.series.flatMap((series) => series.points.map((point) => xText(point.x))))];
  const rows = xs.map((x) => [
    x,
    ...chart.series.map((series) => {
      const point = series.points.find((candidate) => xText(candidate.x) === x);
      return point ? value(point.y, point.low, point.high) : "—";
    }),
  ]);
  return table([chart.xLabel, ...chart.series.map((series) => series.name)], rows);
}

/** A Markdown table with every cell escaped; emphasis marks are left alone, so our own bold still shows. */
function table(columns: string[], rows: string[][]): string[] {
  const header = `| ${columns.map(inline).join(" | ")} |`;
  const rule = `|${columns.map(() => " --- ").join("|")}|`;
  if (rows.length === 0)
    return [header, rule, `| ${columns.map((_, index) => (index === 0 ? "No rows." : "")).join(" | ")} |`];
  return [
    header,
    rule,
    ...rows.map((row) => `| ${columns.map((_, index) => inline(row[index] ?? "")).join(" | ")} |`),
  ];
}

/** Escapes text for one line of Markdown: no raw HTML, no table breaks, no line breaks. */
function inline(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/`/g, "\\`")
    .replace(/\r?\n|\r/g, " ");
}

/** Text inside a backtick code span: only backticks and line breaks need care. */
function code(text: string): string {
  return text.replace(/`/g, "'").replace(/\r?\n|\r/g, " ");
}
