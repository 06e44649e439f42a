import { formatTick, type NumericAxis, textWidth, truncate } from "./chart-scale.ts";
import { formatValue } from "./format-value.ts";
import type { ChartSpec } from "./report-data.ts";
import { coordinate as c, dashAttribute, label, marker, type SeriesStyle } from "./svg-marks.ts";

/* Axes, titles and the legend of an SVG chart. */

/** Where the plot area sits inside the SVG, in pixels. */
export interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Font size of tick labels, also the chart's base font size. */
export const TICK_FONT_SIZE = 11;

/** The text of an x value on a categorical axis. */
export function categoryName(chart: ChartSpec, x: string | number): string {
  return typeof x === "string" ? x : formatValue(x, chart.xFormat);
}

/** Horizontal grid lines with y tick labels, and the axis lines. */
export function yAxisMarks(
  axis: NumericAxis,
  labels: string[],
  scale: (value: number) => number,
  frame: Frame,
): string {
  const parts = axis.ticks.map((tick, index) => {
    const y = scale(tick);
    return (
      `<line x1="${c(frame.left)}" x2="${c(frame.right)}" y1="${c(y)}" y2="${c(y)}" stroke="#e3e3e3"/>` +
      label(frame.left - 6, y + 3.5, labels[index] ?? "", `text-anchor="end" fill="#444444"`)
    );
  });
  parts.push(
    `<path d="M${c(frame.left)},${c(frame.top)}V${c(frame.bottom)}H${c(frame.right)}" stroke="#888888" fill="none"/>`,
  );
  return parts.join("");
}

/** Ticks and labels of a numeric x axis. */
export function numericXAxisMarks(
  axis: NumericAxis,
  scale: (value: number) => number,
  frame: Frame,
  chart: ChartSpec,
): string {
  return axis.ticks
    .map((tick) => {
      const x = scale(tick);
      return (
        `<line x1="${c(x)}" x2="${c(x)}" y1="${c(frame.bottom)}" y2="${c(frame.bottom + 5)}" stroke="#888888"/>` +
        label(
          x,
          frame.bottom + 17,
          formatTick(tick, axis.step, chart.xFormat),
          `text-anchor="middle" fill="#444444"`,
        )
      );
    })
    .join("");
}

/** One tick per category; labels that do not fit are turned or shortened (full text in a tooltip). */
export function categoryAxisMarks(
  categories: string[],
  bandWidth: number,
  frame: Frame,
  rotate: boolean,
): string {
  const maxCharacters = rotate ? 22 : Math.max(3, Math.floor((bandWidth - 6) / (TICK_FONT_SIZE * 0.58)));
  return categories
    .map((name, index) => {
      const x = frame.left + bandWidth * (index + 0.5);
      const short = truncate(name, maxCharacters);
      const full = short.truncated ? name : undefined;
      const tick = `<line x1="${c(x)}" x2="${c(x)}" y1="${c(frame.bottom)}" y2="${c(frame.bottom + 5)}" stroke="#888888"/>`;
      if (!rotate)
        return tick + label(x, frame.bottom + 17, short.text, `text-anchor="middle" fill="#444444"`, full);
      const y = frame.bottom + 12;
      return (
        tick +
        label(
          x,
          y,
          short.text,
          `text-anchor="end" fill="#444444" transform="rotate(-35 ${c(x)} ${c(y)})"`,
          full,
        )
      );
    })
    .join("");
}

/** The x and y axis titles, shortened to fit. */
export function axisTitles(chart: ChartSpec, frame: Frame, height: number): string {
  const x = truncate(chart.xLabel, Math.floor((frame.right - frame.left) / (12 * 0.58)));
  const y = truncate(chart.yLabel, Math.floor((frame.bottom - frame.top) / (12 * 0.58)));
  const middleY = (frame.top + frame.bottom) / 2;
  return (
    label(
      (frame.left + frame.right) / 2,
      height - 10,
      x.text,
      `text-anchor="middle" font-size="12" fill="#222222"`,
      x.truncated ? chart.xLabel : undefined,
    ) +
    label(
      14,
      middleY,
      y.text,
      `text-anchor="middle" font-size="12" fill="#222222" transform="rotate(-90 14 ${c(middleY)})"`,
      y.truncated ? chart.yLabel : undefined,
    )
  );
}

/** The legend, wrapped into rows that fit the width; returns its height for the layout. */
export function layoutLegend(
  chart: ChartSpec,
  styles: SeriesStyle[],
  width: number,
): { height: number; markup: string } {
  if (chart.series.length === 0) return { height: 0, markup: "" };
  const parts: string[] = [];
  let x = 12;
  let row = 0;
  chart.series.forEach((series, index) => {
    const style = styles[index] as SeriesStyle;
    const name = truncate(series.name, 32);
    const itemWidth = 22 + textWidth(name.text, 12) + 16;
    if (x + itemWidth > width - 12 && x > 12) {
      row++;
      x = 12;
    }
    const y = 38 + row * 18;
    if (chart.kind === "bar")
      parts.push(`<rect x="${c(x)}" y="${c(y - 9)}" width="14" height="10" fill="${style.colour}"/>`);
    else {
      if (chart.kind === "line")
        parts.push(
          `<line x1="${c(x)}" x2="${c(x + 16)}" y1="${c(y - 4)}" y2="${c(y - 4)}" stroke="${style.colour}" stroke-width="2"${dashAttribute(style)}/>`,
        );
      parts.push(marker(style, x + 8, y - 4, 4));
    }
    parts.push(
      label(x + 22, y, name.text, `font-size="12" fill="#222222"`, name.truncated ? series.name : undefined),
    );
    x += itemWidth;
  });
  return { height: (row + 1) * 18, markup: `<g class="legend">${parts.join("")}</g>` };
}
