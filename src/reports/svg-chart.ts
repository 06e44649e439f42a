import {
  axisTitles,
  categoryAxisMarks,
  categoryName,
  type Frame,
  layoutLegend,
  numericXAxisMarks,
  TICK_FONT_SIZE,
  yAxisMarks,
} from "./chart-axes.ts";
import {
  formatTick,
  linearScale,
  type NumericAxis,
  numericAxis,
  textWidth,
  truncate,
} from "./chart-scale.ts";
import { drawBars, drawLines, drawScatter, type PlacedPoint } from "./chart-series.ts";
import { escapeHtml } from "./escape-html.ts";
import type { ChartPoint, ChartSpec } from "./report-data.ts";
import { coordinate as c, label, seriesStyle } from "./svg-marks.ts";

/** Size and identity of a rendered chart. */
export interface SvgChartOptions {
  /** Prefix for element ids; must be unique within one HTML page. Defaults to a hash of the chart. */
  idPrefix?: string;
  width?: number;
  plotHeight?: number;
  /** Adds the SVG namespace so the output also works as a standalone .svg file. */
  standalone?: boolean;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/**
 * Renders a chart as inline SVG: no scripts, no external fonts or links. Points with a
 * non-finite y are skipped (lines break there rather than bridge the gap); low/high become
 * a confidence band on lines and error bars on bars and scatter points.
 */
export function renderSvgChart(chart: ChartSpec, options: SvgChartOptions = {}): string {
  const width = options.width ?? 600;
  const plotHeight = options.plotHeight ?? 250;
  // Ids go into attributes and url(#...) references, so only plain characters are kept.
  const id = (options.idPrefix ?? `chart-${hashText(JSON.stringify(chart))}`).replace(/[^\w-]/g, "-");
  const styles = chart.series.map((_, index) => seriesStyle(index));
  // Points whose x cannot be placed are dropped; points with no y stay as gaps in lines.
  const placeable = chart.series.map((series) =>
    series.points.filter((point) => typeof point.x === "string" || Number.isFinite(point.x)),
  );
  const drawable = placeable.map((points) => points.filter((point) => Number.isFinite(point.y)));
  const anyPoint = drawable.some((points) => points.length > 0);
  const categorical =
    chart.kind === "bar" || placeable.some((points) => points.some((p) => typeof p.x === "string"));
  const categories = [
    ...new Set(placeable.flatMap((points) => points.map((point) => categoryName(chart, point.x)))),
  ];

  const yValues = drawable.flatMap((points) =>
    points.flatMap((point) => [point.y, point.low ?? point.y, point.high ?? point.y]),
  );
  const scatterPad = chart.kind === "scatter" ? 0.05 : 0;
  const yAxis = numericAxis(yValues, {
    fixed: chart.yRange,
    includeZero: chart.kind === "bar",
    pad: scatterPad,
  });
  const xAxis = categorical
    ? undefined
    : numericAxis(
        drawable.flatMap((points) => points.map((point) => Number(point.x))),
        {
          fixed: chart.xRange,
          pad: scatterPad,
          integers: chart.kind === "line" && drawable.every((p) => p.every((q) => Number.isInteger(q.x))),
        },
      );

  const title = truncate(chart.title, Math.floor((width - 24) / (15 * 0.58)));
  const legend = layoutLegend(chart, styles, width);
  const yTickLabels = yAxis.ticks.map((tick) => formatTick(tick, yAxis.step, chart.yFormat));
  const left = 34 + Math.max(24, ...yTickLabels.map((text) => textWidth(text, TICK_FONT_SIZE)));
  const top = 38 + legend.height + (legend.height ? 8 : 0);
  const plotWidth = width - left - 24;
  const bandWidth = plotWidth / Math.max(1, categories.length);
  const rotate = categorical && categories.some((name) => textWidth(name, TICK_FONT_SIZE) > bandWidth - 6);
  const rotatedChars = Math.min(22, Math.max(...categories.map((name) => [...name].length), 1));
  const tickDepth = rotate ? 10 + textWidth("x".repeat(rotatedChars), TICK_FONT_SIZE) * 0.62 : 22;
  const frame: Frame = { left, right: left + plotWidth, top, bottom: top + plotHeight };
  const height = frame.bottom + tickDepth + 30;

  const yScale = linearScale(yAxis.min, yAxis.max, frame.bottom, frame.top);
  const xScale = xAxis ? linearScale(xAxis.min, xAxis.max, frame.left, frame.right) : undefined;
  const xOf = (point: ChartPoint): number =>
    xScale
      ? xScale(Number(point.x))
      : frame.left + bandWidth * (categories.indexOf(categoryName(chart, point.x)) + 0.5);

  const parts: string[] = [];
  parts.push(`<title id="${id}-title">${escapeHtml(chart.title)}</title>`);
  parts.push(
    // The clip leaves room for markers on the frame's edge; it exists to stop values outside a fixed range.
    `<defs><clipPath id="${id}-plot"><rect x="${c(frame.left - 7)}" y="${c(frame.top - 7)}" width="${c(plotWidth + 14)}" height="${c(plotHeight + 14)}"/></clipPath></defs>`,
  );
  parts.push(`<rect x="0" y="0" width="${width}" height="${c(height)}" fill="#ffffff"/>`);
  parts.push(
    label(
      12,
      22,
      title.text,
      `font-size="15" font-weight="600" fill="#1a1a1a"`,
      title.truncated ? chart.title : undefined,
    ),
  );
  parts.push(yAxisMarks(yAxis, yTickLabels, yScale, frame));
  parts.push(
    categorical
      ? categoryAxisMarks(categories, bandWidth, frame, rotate)
      : numericXAxisMarks(xAxis as NumericAxis, xScale as (value: number) => number, frame, chart),
  );
  parts.push(axisTitles(chart, frame, height));
  parts.push(legend.markup);

  if (!anyPoint) {
    parts.push(
      label(
        (frame.left + frame.right) / 2,
        (frame.top + frame.bottom) / 2,
        "No data",
        `text-anchor="middle" font-size="14" fill="#666666"`,
      ),
    );
  } else {
    const placed = (chart.kind === "line" ? placeable : drawable).map((points) =>
      placePoints(chart, points, xOf, yScale, categorical, categories),
    );
    parts.push(`<g clip-path="url(#${id}-plot)">`);
    if (chart.kind === "bar")
      parts.push(
        drawBars(chart, placed, styles, bandWidth, yScale(Math.max(yAxis.min, Math.min(0, yAxis.max)))),
      );
    else if (chart.kind === "line") parts.push(drawLines(chart, placed, styles));
    else parts.push(drawScatter(chart, placed, styles, frame));
    parts.push("</g>");
  }

  const namespace = options.standalone ? ` xmlns="http://www.w3.org/2000/svg"` : "";
  return (
    `<svg${namespace} class="chart" viewBox="0 0 ${width} ${c(height)}" width="${width}" height="${c(height)}" role="img" ` +
    `aria-labelledby="${id}-title" font-family="${escapeHtml(FONT)}" font-size="${TICK_FONT_SIZE}">${parts.join("")}</svg>`
  );
}

function placePoints(
  chart: ChartSpec,
  points: ChartPoint[],
  xOf: (point: ChartPoint) => number,
  yScale: (value: number) => number,
  categorical: boolean,
  categories: string[],
): PlacedPoint[] {
  const placed = points.map((point) => {
    const hasInterval = Number.isFinite(point.low) && Number.isFinite(point.high);
    return {
      x: xOf(point),
      y: Number.isFinite(point.y) ? yScale(point.y) : Number.NaN,
      point,
      yLow: hasInterval ? yScale(point.low as number) : null,
      yHigh: hasInterval ? yScale(point.high as number) : null,
    };
  });
  if (chart.kind !== "line") return placed;
  // Lines join points left to right whatever order the data came in.
  const order = (point: ChartPoint) =>
    categorical ? categories.indexOf(categoryName(chart, point.x)) : Number(point.x);
  return placed.sort((a, b) => order(a.point) - order(b.point));
}

/** FNV-1a, to give each distinct chart its own element ids without any shared counter. */
function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
