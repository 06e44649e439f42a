import { categoryName, type Frame } from "./chart-axes.ts";
import { textWidth, truncate } from "./chart-scale.ts";
import { escapeHtml } from "./escape-html.ts";
import { formatRange, formatValue } from "./format-value.ts";
import type { ChartPoint, ChartSpec } from "./report-data.ts";
import { coordinate as c, dashAttribute, errorBar, label, marker, type SeriesStyle } from "./svg-marks.ts";

/* The data marks of an SVG chart: lines with bands, grouped bars, labelled scatter points. */

/** A point that can be drawn, in pixels, with the data it came from. */
export interface PlacedPoint {
  x: number;
  y: number;
  point: ChartPoint;
  yLow: number | null;
  yHigh: number | null;
}

function pointTitle(chart: ChartSpec, seriesName: string, point: ChartPoint): string {
  const range = formatRange(point.low, point.high, chart.yFormat);
  const name = point.label ? `${seriesName}, ${point.label}` : seriesName;
  return `${name} — ${categoryName(chart, point.x)}: ${formatValue(point.y, chart.yFormat)}${range ? ` (${range})` : ""}`;
}

/** Sideways distance between markers of different series on the same spot, in pixels. */
const DODGE = 7;

function mapList<V>(map: Map<string, V[]>, key: string): V[] {
  const list = map.get(key) ?? [];
  map.set(key, list);
  return list;
}

/** Lines with confidence bands; a missing value breaks the line. */
export function drawLines(chart: ChartSpec, placed: PlacedPoint[][], styles: SeriesStyle[]): string {
  const parts: string[] = [];
  placed.forEach((points, seriesIndex) => {
    const style = styles[seriesIndex] as SeriesStyle;
    // Bands cover runs of neighbouring points that all have an interval; a lone one gets an error bar.
    let run: PlacedPoint[] = [];
    const flush = () => {
      if (run.length === 1) {
        const [only] = run;
        if (only) parts.push(errorBar(only.x, only.yLow as number, only.yHigh as number, style.colour));
      } else if (run.length > 1) {
        const upper = run.map((p) => `${c(p.x)},${c(p.yHigh as number)}`);
        const lower = run.map((p) => `${c(p.x)},${c(p.yLow as number)}`).reverse();
        parts.push(
          `<polygon points="${[...upper, ...lower].join(" ")}" fill="${style.colour}" fill-opacity="0.15" stroke="none"/>`,
        );
      }
      run = [];
    };
    let path = "";
    let penDown = false;
    for (const point of points) {
      if (Number.isNaN(point.y)) {
        // A missing value breaks the line: joining its neighbours would invent a trend.
        flush();
        penDown = false;
        continue;
      }
      if (point.yLow === null) flush();
      else run.push(point);
      path += `${penDown ? "L" : "M"}${c(point.x)},${c(point.y)}`;
      penDown = true;
    }
    flush();
    if (path.includes("L")) {
      parts.push(
        `<path d="${path}" fill="none" stroke="${style.colour}" stroke-width="2" stroke-linejoin="round"${dashAttribute(style)}/>`,
      );
    }
  });
  // Markers of several series on the same spot are spread sideways so each stays visible.
  const atSpot = new Map<string, number[]>();
  placed.forEach((points, seriesIndex) => {
    for (const p of points.filter((point) => !Number.isNaN(point.y)))
      mapList(atSpot, `${c(p.x)},${c(p.y)}`).push(seriesIndex);
  });
  placed.forEach((points, seriesIndex) => {
    const name = chart.series[seriesIndex]?.name ?? "";
    for (const p of points.filter((point) => !Number.isNaN(point.y))) {
      const sharing = atSpot.get(`${c(p.x)},${c(p.y)}`) ?? [seriesIndex];
      const shift = (sharing.indexOf(seriesIndex) - (sharing.length - 1) / 2) * DODGE;
      parts.push(
        marker(styles[seriesIndex] as SeriesStyle, p.x + shift, p.y, 4, pointTitle(chart, name, p.point)),
      );
    }
  });
  return parts.join("");
}

/** Bars grouped by category, one per series, from the zero line, with error bars. */
export function drawBars(
  chart: ChartSpec,
  placed: PlacedPoint[][],
  styles: SeriesStyle[],
  bandWidth: number,
  baseline: number,
): string {
  const parts: string[] = [];
  const groupWidth = bandWidth * 0.8;
  const barWidth = groupWidth / Math.max(1, placed.length);
  placed.forEach((points, seriesIndex) => {
    const style = styles[seriesIndex] as SeriesStyle;
    const name = chart.series[seriesIndex]?.name ?? "";
    for (const p of points) {
      const x = p.x - groupWidth / 2 + barWidth * seriesIndex;
      const top = Math.min(p.y, baseline);
      const title = escapeHtml(pointTitle(chart, name, p.point));
      parts.push(
        `<rect x="${c(x + 1)}" y="${c(top)}" width="${c(Math.max(1, barWidth - 2))}" height="${c(Math.abs(baseline - p.y))}" fill="${style.colour}"><title>${title}</title></rect>`,
      );
      if (p.yLow !== null && p.yHigh !== null)
        parts.push(errorBar(x + barWidth / 2, p.yLow, p.yHigh, "#333333", Math.min(5, barWidth / 4)));
    }
  });
  return parts.join("");
}

/** Scatter markers with error bars and labels placed where they overlap nothing. */
export function drawScatter(
  chart: ChartSpec,
  placed: PlacedPoint[][],
  styles: SeriesStyle[],
  frame: Frame,
): string {
  const parts: string[] = [];
  const taken: Box[] = placed
    .flat()
    .map((p) => ({ left: p.x - 6, right: p.x + 6, top: p.y - 6, bottom: p.y + 6 }));
  placed.forEach((points, seriesIndex) => {
    const style = styles[seriesIndex] as SeriesStyle;
    for (const p of points)
      if (p.yLow !== null && p.yHigh !== null) parts.push(errorBar(p.x, p.yLow, p.yHigh, style.colour));
  });
  placed.forEach((points, seriesIndex) => {
    const style = styles[seriesIndex] as SeriesStyle;
    const name = chart.series[seriesIndex]?.name ?? "";
    for (const p of points) {
      parts.push(marker(style, p.x, p.y, 5, pointTitle(chart, name, p.point)));
      if (p.point.label) parts.push(placeLabel(p, p.point.label, taken, frame));
    }
  });
  return parts.join("");
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Puts a point's label right, left, above or below it, wherever it overlaps nothing; else leaves it to the tooltip. */
function placeLabel(p: PlacedPoint, text: string, taken: Box[], frame: Frame): string {
  const short = truncate(text, 22);
  const width = textWidth(short.text, 10);
  const candidates: { x: number; y: number; anchor: string; box: Box }[] = [
    {
      x: p.x + 8,
      y: p.y + 3.5,
      anchor: "start",
      box: { left: p.x + 8, right: p.x + 8 + width, top: p.y - 5, bottom: p.y + 5 },
    },
    {
      x: p.x - 8,
      y: p.y + 3.5,
      anchor: "end",
      box: { left: p.x - 8 - width, right: p.x - 8, top: p.y - 5, bottom: p.y + 5 },
    },
    {
      x: p.x,
      y: p.y - 9,
      anchor: "middle",
      box: { left: p.x - width / 2, right: p.x + width / 2, top: p.y - 18, bottom: p.y - 7 },
    },
    {
      x: p.x,
      y: p.y + 17,
      anchor: "middle",
      box: { left: p.x - width / 2, right: p.x + width / 2, top: p.y + 8, bottom: p.y + 19 },
    },
  ];
  for (const candidate of candidates) {
    const { box } = candidate;
    const inside =
      box.left >= frame.left &&
      box.right <= frame.right &&
      box.top >= frame.top &&
      box.bottom <= frame.bottom;
    const free = taken.every(
      (other) =>
        box.right <= other.left ||
        box.left >= other.right ||
        box.bottom <= other.top ||
        box.top >= other.bottom,
    );
    if (inside && free) {
      taken.push(box);
      return label(
        candidate.x,
        candidate.y,
        short.text,
        `font-size="10" fill="#333333" text-anchor="${candidate.anchor}"`,
        short.truncated ? text : undefined,
      );
    }
  }
  return "";
}
