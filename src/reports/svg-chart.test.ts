import { describe, expect, it } from "vitest";
import type { ChartSpec } from "./report-data.ts";
import { renderSvgChart } from "./svg-chart.ts";

const base = { title: "Chart", xLabel: "x", yLabel: "y" };

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

describe("renderSvgChart", () => {
  it("draws a line chart with a confidence band, markers, axes and legend", () => {
    const svg = renderSvgChart({
      ...base,
      kind: "line",
      yRange: [0, 1],
      yFormat: "percent",
      series: [
        { name: "model-a", points: [1, 2, 3].map((x) => ({ x, y: 0.1 * x, low: 0.05 * x, high: 0.15 * x })) },
        { name: "model-b", points: [1, 2, 3].map((x) => ({ x, y: 0.2 * x })) },
      ],
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(count(svg, /fill-opacity="0.15"/g)).toBe(1);
    expect(svg).toContain(">model-a</text>");
    expect(svg).toContain(">model-b</text>");
    expect(svg).toContain(">100%</text>");
    expect(svg).toContain("model-a — 2: 20.0% (10.0–30.0%)");
    expect(svg).not.toMatch(/<script|xmlns|http/);
  });

  it("keeps lines that lie on top of each other visible: own dash pattern, markers spread apart", () => {
    const same = [1, 2].map((x) => ({ x, y: 0 }));
    const svg = renderSvgChart({
      ...base,
      kind: "line",
      yRange: [0, 1],
      series: [
        { name: "model-a", points: same },
        { name: "model-b", points: same },
        { name: "model-c", points: [{ x: 1, y: 0.5 }] },
      ],
    });
    const lines = [...svg.matchAll(/<path d="M[^"]*L[^"]*" fill="none" stroke="[^"]*"[^>]*>/g)].map(
      (m) => m[0],
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).not.toContain("stroke-dasharray");
    expect(lines[1]).toContain('stroke-dasharray="7 4"');
    // The point x=1 of model-a (circle) and model-b (square) sit 7 px apart, centred on the value.
    const circle = svg.match(/<circle cx="([\d.]+)" cy="([\d.]+)" r="4"[^>]*><title>model-a — 1/);
    const square = svg.match(/<rect x="([\d.]+)" y="([\d.]+)" width="7" height="7"[^>]*><title>model-b — 1/);
    const squareCentre = Number(square?.[1]) + 3.5;
    expect(squareCentre - Number(circle?.[1])).toBeCloseTo(7, 0);
    // A marker alone on its spot stays where its value is.
    const triangle = svg.match(/<polygon points="([\d.]+),[\d.]+ [^"]*"[^>]*><title>model-c — 1/);
    expect(Number(triangle?.[1])).toBeCloseTo((Number(circle?.[1]) + squareCentre) / 2, 0);
  });

  it("skips non-finite values and breaks the line there instead of bridging", () => {
    const svg = renderSvgChart({
      ...base,
      kind: "line",
      series: [
        {
          name: "s",
          points: [
            { x: 1, y: 1 },
            { x: 2, y: 2 },
            { x: 3, y: Number.NaN },
            { x: 4, y: 3 },
            { x: 5, y: Number.POSITIVE_INFINITY, low: Number.NaN, high: 2 },
            { x: 6, y: 4 },
            { x: 7, y: 5 },
          ],
        },
      ],
    });
    expect(svg).not.toMatch(/NaN|Infinity/);
    const line = svg.match(/<path d="([^"]+)" fill="none" stroke="#0072B2" stroke-width="2"/)?.[1] ?? "";
    expect(count(line, /M/g)).toBe(3);
    expect(count(line, /L/g)).toBe(2);
  });

  it("orders categories as they first appear, even when a value is missing", () => {
    const svg = renderSvgChart({
      ...base,
      kind: "line",
      series: [
        {
          name: "a",
          points: ["none", "reminder", "shield"].map((x, index) => ({
            x,
            y: index === 1 ? Number.NaN : index,
          })),
        },
        { name: "b", points: ["none", "reminder", "shield"].map((x, index) => ({ x, y: index + 1 })) },
      ],
    });
    const labels = [...svg.matchAll(/>(none|reminder|shield)<\/text>/g)].map((match) => match[1]);
    expect(labels).toEqual(["none", "reminder", "shield"]);
  });

  it("draws grouped bars with error bars, from zero", () => {
    const svg = renderSvgChart({
      ...base,
      kind: "bar",
      series: [
        {
          name: "a",
          points: [
            { x: "weapons", y: 0.5, low: 0.4, high: 0.6 },
            { x: "hate", y: -0.2 },
          ],
        },
        { name: "b", points: [{ x: "weapons", y: 0.7 }] },
      ],
    });
    expect(count(svg, /<rect [^>]*><title>/g)).toBe(3);
    expect(svg).toContain("a — weapons: 0.5 (0.4–0.6)");
    expect(svg).toContain(">0.0</text>");
    expect(svg).toContain(">-0.2</text>");
  });

  it("labels scatter points and keeps their full text in a tooltip when shortened", () => {
    const svg = renderSvgChart({
      ...base,
      kind: "scatter",
      xFormat: "percent",
      series: [
        {
          name: "gpt",
          points: [
            { x: 0.1, y: 0.3, label: "none" },
            { x: 0.2, y: 0.1, label: "a defence with a remarkably long descriptive name" },
          ],
        },
      ],
    });
    expect(svg).toContain(">none</text>");
    expect(svg).toContain("<title>a defence with a remarkably long descriptive name</title>");
    expect(svg).toContain("gpt, none — 10.0%: 0.3");
  });

  it("says so when there is nothing to draw", () => {
    for (const chart of [
      { ...base, kind: "line", series: [] },
      { ...base, kind: "bar", series: [{ name: "x", points: [{ x: "a", y: Number.NaN }] }] },
    ] satisfies ChartSpec[]) {
      const svg = renderSvgChart(chart);
      expect(svg).toContain(">No data</text>");
      expect(svg).not.toMatch(/NaN|Infinity/);
    }
  });

  it("draws a single point with an error bar", () => {
    const svg = renderSvgChart({
      ...base,
      kind: "line",
      series: [{ name: "only", points: [{ x: 3, y: 0.4, low: 0.2, high: 0.6 }] }],
    });
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+V/);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it("truncates long labels and keeps the full text as a tooltip", () => {
    const long = "a".repeat(200);
    const svg = renderSvgChart({
      kind: "bar",
      title: long,
      xLabel: long,
      yLabel: long,
      series: [{ name: long, points: [{ x: long, y: 1 }] }],
    });
    expect(svg).toContain("…");
    expect(svg).not.toContain(`>${long}</text>`);
    expect(svg).toContain(`<title>${long}</title>`);
  });

  it("escapes every piece of text", () => {
    const evil = `<script>alert(1)</script>"onerror="x`;
    const svg = renderSvgChart({
      kind: "scatter",
      title: evil,
      xLabel: evil,
      yLabel: evil,
      series: [{ name: evil, points: [{ x: evil, y: 1, label: evil }] }],
    });
    expect(svg).not.toContain("<script");
    expect(svg).not.toMatch(/"onerror=/);
    expect(svg).toContain("&lt;script&gt;");
  });

  it("uses the given id prefix, or a stable one, and can stand alone", () => {
    const chart: ChartSpec = { ...base, kind: "line", series: [{ name: "s", points: [{ x: 1, y: 1 }] }] };
    expect(renderSvgChart(chart, { idPrefix: "c7" })).toContain(`clipPath id="c7-plot"`);
    expect(renderSvgChart(chart, { idPrefix: 'x" onload="y' })).toContain(`clipPath id="x--onload--y-plot"`);
    expect(renderSvgChart(chart)).toBe(renderSvgChart(chart));
    expect(renderSvgChart(chart, { standalone: true })).toContain(`xmlns="http://www.w3.org/2000/svg"`);
  });
});
