import { describe, expect, it } from "vitest";
import {
  formatInteger,
  formatInterval,
  formatNumber,
  formatPercent,
  formatRange,
  formatUsd,
  MISSING,
} from "./format-value.ts";

describe("format helpers", () => {
  it("shows missing values as a dash", () => {
    expect(formatNumber(null)).toBe(MISSING);
    expect(formatNumber(undefined)).toBe(MISSING);
    expect(formatNumber(Number.NaN)).toBe(MISSING);
    expect(formatPercent(null)).toBe(MISSING);
    expect(formatUsd(null)).toBe(MISSING);
  });

  it("formats numbers for people", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(0.42345)).toBe("0.423");
    expect(formatNumber(3.45678)).toBe("3.46");
    expect(formatNumber(12345.6)).toBe("12,346");
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(formatInteger(9876.4)).toBe("9,876");
  });

  it("formats rates as percentages", () => {
    expect(formatPercent(0.4234)).toBe("42.3%");
    expect(formatPercent(1)).toBe("100.0%");
    expect(formatPercent(0)).toBe("0.0%");
  });

  it("keeps sub-cent costs visible", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(0.00123)).toBe("$0.0012");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });

  it("writes intervals only when both bounds are known", () => {
    expect(formatInterval(0.5, 0.2366, 0.7634, "percent")).toBe("50.0% (23.7–76.3%)");
    expect(formatInterval(3.2, 2.9, 3.5)).toBe("3.2 (2.9–3.5)");
    expect(formatInterval(0.5, null, 0.7, "percent")).toBe("50.0%");
    expect(formatRange(Number.NaN, 1)).toBe("");
  });
});
