import {
  formatInteger,
  formatNumber,
  formatPercent,
  formatRange,
  formatUsd,
  MISSING,
} from "./format-value.ts";
import type { ColumnFormat, MetricTable } from "./report-data.ts";

/** A cell ready to show: its main text and, when the table gave one, its interval. */
export interface DisplayCell {
  text: string;
  interval: string;
}

/** A metric table with interval columns folded in and every cell formatted; shared by HTML and Markdown. */
export interface DisplayTable {
  title: string;
  note: string | undefined;
  columns: string[];
  /** Whether each column holds numbers (right-aligned). */
  numeric: boolean[];
  rows: DisplayCell[][];
  /** True when any cell carries an interval, so the report explains the parentheses. */
  hasIntervals: boolean;
  /** Per row, the case-browser index its first cell links to (see MetricTable.caseLinks). */
  caseLinks?: (number | null)[];
}

type Cell = string | number | null | undefined;

/**
 * Formats a metric table for people. `interval-low`/`interval-high` columns join the
 * nearest ordinary column before them; rows longer than the header keep their extra
 * cells under blank headings rather than losing them.
 */
export function displayTable(table: MetricTable): DisplayTable {
  const width = Math.max(table.columns.length, ...table.rows.map((row) => row.length));
  const formats: (ColumnFormat | undefined)[] = [];
  for (let index = 0; index < width; index++) formats.push(table.formats?.[index]);

  const owners: number[] = [];
  const lows = new Map<number, number>();
  const highs = new Map<number, number>();
  let owner = -1;
  formats.forEach((format, index) => {
    const isBound = format === "interval-low" || format === "interval-high";
    if (isBound && owner >= 0) {
      (format === "interval-low" ? lows : highs).set(owner, index);
      return;
    }
    owner = index;
    owners.push(index);
  });

  let hasIntervals = false;
  const rows = table.rows.map((row) =>
    owners.map((index): DisplayCell => {
      const format = formats[index];
      const text = formatCell(row[index], format);
      const lowIndex = lows.get(index);
      const highIndex = highs.get(index);
      if (lowIndex === undefined || highIndex === undefined) return { text, interval: "" };
      const interval = formatRange(asNumber(row[lowIndex]), asNumber(row[highIndex]), rangeFormat(format));
      if (interval) hasIntervals = true;
      return { text, interval };
    }),
  );

  return {
    title: table.title,
    note: table.note,
    columns: owners.map((index) => table.columns[index] ?? ""),
    numeric: owners.map((index) => isNumericColumn(table, index, formats[index])),
    rows,
    hasIntervals,
    ...(table.caseLinks ? { caseLinks: table.caseLinks } : {}),
  };
}

/** Formats one raw cell; strings are shown as they are, numbers by the column's format. */
export function formatCell(value: Cell, format: ColumnFormat | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === "string") return value;
  switch (format) {
    case "integer":
      return formatInteger(value);
    case "percent":
      return formatPercent(value);
    case "usd":
      return formatUsd(value);
    default:
      return formatNumber(value);
  }
}

function rangeFormat(format: ColumnFormat | undefined): "percent" | "number" {
  return format === "percent" ? "percent" : "number";
}

function asNumber(value: Cell): number | null {
  return typeof value === "number" ? value : null;
}

function isNumericColumn(table: MetricTable, index: number, format: ColumnFormat | undefined): boolean {
  if (format === "text") return false;
  if (format !== undefined) return true;
  let sawNumber = false;
  for (const row of table.rows) {
    const value = row[index];
    if (typeof value === "string") return false;
    if (typeof value === "number") sawNumber = true;
  }
  return sawNumber;
}
