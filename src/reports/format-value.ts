import type { ValueFormat } from "./report-data.ts";

/** Shown wherever there is no value: null, undefined or NaN. */
export const MISSING = "—";

/** A number for people: integers with thousands separators, others to three significant digits. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING;
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (Number.isInteger(value) || Math.abs(value) >= 1000)
    return Math.round(value).toLocaleString("en-US", { maximumFractionDigits: 0 });
  return String(Number(value.toPrecision(3)));
}

/** A whole number with thousands separators. */
export function formatInteger(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatNumber(value);
  return Math.round(value).toLocaleString("en-US", { maximumFractionDigits: 0 });
}

/** A rate in [0, 1] as a percentage, e.g. 0.4234 -> "42.3%". */
export function formatPercent(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return formatNumber(rate);
  return `${(rate * 100).toFixed(digits)}%`;
}

/** US dollars; sub-cent amounts keep two significant digits so small runs do not read as free. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatNumber(value);
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toPrecision(2)}`;
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A chart or table value in the given format. */
export function formatValue(value: number | null | undefined, format: ValueFormat = "number"): string {
  return format === "percent" ? formatPercent(value) : formatNumber(value);
}

/** A value with its confidence interval, e.g. "42.3% (31.2–53.1%)"; the interval is left out when unknown. */
export function formatInterval(
  value: number | null | undefined,
  low: number | null | undefined,
  high: number | null | undefined,
  format: ValueFormat = "number",
): string {
  const main = formatValue(value, format);
  const range = formatRange(low, high, format);
  return range ? `${main} (${range})` : main;
}

/** "31.2–53.1%" for a pair of finite bounds, otherwise an empty string. */
export function formatRange(
  low: number | null | undefined,
  high: number | null | undefined,
  format: ValueFormat = "number",
): string {
  if (low === null || low === undefined || high === null || high === undefined) return "";
  if (!Number.isFinite(low) || !Number.isFinite(high)) return "";
  if (format === "percent") return `${(low * 100).toFixed(1)}–${formatPercent(high)}`;
  return `${formatNumber(low)}–${formatNumber(high)}`;
}
