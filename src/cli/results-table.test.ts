import { describe, expect, it } from "vitest";
import type { ResultFigure } from "../reports/result-figure.ts";
import { formatResultsTable, headlineJson } from "./results-table.ts";

const figure = (overrides: Partial<ResultFigure>): ResultFigure => ({
  target: "openai:gpt-4o-mini",
  judge: "safety",
  metric: "unsafe_rate",
  kind: "rate",
  scope: "all",
  value: 0.125,
  low: 0.05,
  high: 0.27,
  n: 40,
  noVerdict: 2,
  errored: 1,
  ...overrides,
});

describe("results table", () => {
  const figures = [
    figure({}),
    figure({ scope: "2 turns", detail: true, value: null, low: null, high: null, n: 0 }),
    figure({ metric: "error_rate", value: 0.07 }),
    figure({
      judge: "helpfulness",
      metric: "helpfulness_mean",
      kind: "mean",
      value: 3.5,
      low: 3.1,
      high: 3.9,
    }),
  ];
  const usage = [
    {
      role: "target" as const,
      targetId: "openai:gpt-4o-mini",
      calls: 40,
      cachedCalls: 3,
      erroredCalls: 1,
      inputTokens: 1,
      outputTokens: 1,
      costUsd: 0.0123,
      retries: 0,
      rateLimited: 0,
      serverErrors: 0,
    },
  ];

  it("aligns columns, shows rates as percentages and means as numbers with intervals, then the cost", () => {
    const lines = formatResultsTable({ figures, usage });
    expect(lines[0]).toMatch(
      /^target\s+judge\s+metric\s+scope\s+value\s+95% interval\s+n\s+no verdict\s+errored$/,
    );
    const body = lines.slice(2, 5);
    // error_rate is not a row: its counts are the last two columns.
    expect(body).toHaveLength(3);
    expect(body[0]).toMatch(/unsafe_rate\s+all\s+12\.5%\s+5\.0%–27\.0%\s+40\s+2\s+1$/);
    expect(body[1]).toMatch(/2 turns\s+—\s+0\s+2\s+1$/);
    expect(body[2]).toMatch(/helpfulness_mean\s+all\s+3\.50\s+3\.10–3\.90\s+40/);
    // Values are right-aligned under their header, text columns start under theirs.
    const valueEnd = (lines[0]?.indexOf("value") ?? 0) + "value".length;
    expect((body[0]?.indexOf("12.5%") ?? 0) + "12.5%".length).toBe(valueEnd);
    expect((body[2]?.indexOf("3.50") ?? 0) + "3.50".length).toBe(valueEnd);
    expect(body[2]?.indexOf("helpfulness_mean")).toBe(lines[0]?.indexOf("metric"));
    expect(lines.slice(5)).toEqual([
      "cost: $0.0123 in all",
      "  target openai:gpt-4o-mini $0.0123 (40 calls, 3 cached, 1 errored)",
    ]);
    expect(formatResultsTable({ figures: [], usage })).toEqual([]);
  });

  it("gives --json the figures that are not breakdowns, as numbers", () => {
    const headline = headlineJson({ figures, usage });
    expect(headline.map((entry) => entry.metric)).toEqual(["unsafe_rate", "error_rate", "helpfulness_mean"]);
    expect(headline[0]).toMatchObject({
      rate: 0.125,
      low: 0.05,
      high: 0.27,
      n: 40,
      noVerdict: 2,
      errored: 1,
    });
    expect(headline[2]).toMatchObject({ mean: 3.5, kind: "mean" });
  });
});
