import { formatNumber } from "./format-value.ts";
import type { ValueFormat } from "./report-data.ts";

/** A numeric axis: the domain it shows and where its ticks go. */
export interface NumericAxis {
  min: number;
  max: number;
  ticks: number[];
  step: number;
}

/**
 * Round tick positions (steps of 1, 2 or 5 times a power of ten) covering the values.
 * A fixed range is kept exactly; otherwise the domain grows to the nearest round ticks.
 * A single value gets room either side so it does not sit on the frame.
 */
export function numericAxis(
  values: readonly number[],
  options: {
    fixed?: [number, number];
    includeZero?: boolean;
    integers?: boolean;
    tickCount?: number;
    /** Extra room on both sides as a fraction of the span, so edge points do not sit on the frame. */
    pad?: number;
  } = {},
): NumericAxis {
  const tickCount = options.tickCount ?? 5;
  let low: number;
  let high: number;
  const fixed = options.fixed && options.fixed[0] < options.fixed[1] ? options.fixed : undefined;
  if (fixed) [low, high] = fixed;
  else {
    const finite = values.filter((value) => Number.isFinite(value));
    if (options.includeZero) finite.push(0);
    low = finite.length ? Math.min(...finite) : 0;
    high = finite.length ? Math.max(...finite) : 1;
    if (low === high) {
      const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
      low -= options.includeZero && low === 0 && high >= 0 ? 0 : pad;
      high += pad;
    }
    const room = (high - low) * (options.pad ?? 0);
    if (!(options.includeZero && low === 0)) low -= room;
    high += room;
  }
  let step = niceStep((high - low) / tickCount);
  if (options.integers) step = Math.max(1, Math.round(step));
  const min = fixed ? low : Math.floor(low / step + 1e-9) * step;
  const max = fixed ? high : Math.ceil(high / step - 1e-9) * step;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let index = first; index <= last && ticks.length < 100; index++)
    ticks.push(roundToStep(index * step, step));
  return { min, max, ticks, step };
}

function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const factor = residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1;
  return factor * magnitude;
}

function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(decimals, 15)));
}

/** Maps a domain onto pixels. */
export function linearScale(domainMin: number, domainMax: number, rangeStart: number, rangeEnd: number) {
  const span = domainMax - domainMin || 1;
  return (value: number): number => rangeStart + ((value - domainMin) / span) * (rangeEnd - rangeStart);
}

/** A tick label: percentages without needless decimals, large numbers compacted. */
export function formatTick(value: number, step: number, format: ValueFormat | undefined): string {
  if (format === "percent") {
    const decimals = Math.max(0, -Math.floor(Math.log10(step * 100) + 1e-9));
    return `${(value * 100).toFixed(Math.min(decimals, 6))}%`;
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (magnitude >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  if (Number.isInteger(step)) return formatNumber(value);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(Math.min(decimals, 10));
}

/** Rough width of text in the chart font; good enough to lay out labels without a browser. */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.58;
}

/** Shortens text to `maxCharacters`, marking the cut with an ellipsis. */
export function truncate(text: string, maxCharacters: number): { text: string; truncated: boolean } {
  const characters = [...text];
  if (characters.length <= maxCharacters) return { text, truncated: false };
  return { text: `${characters.slice(0, Math.max(1, maxCharacters - 1)).join("")}…`, truncated: true };
}
