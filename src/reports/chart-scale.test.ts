import { describe, expect, it } from "vitest";
import { formatTick, numericAxis, truncate } from "./chart-scale.ts";

describe("numericAxis", () => {
  it("keeps a fixed range and puts round ticks inside it", () => {
    expect(numericAxis([0.3], { fixed: [0, 1] })).toMatchObject({
      min: 0,
      max: 1,
      ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
    });
  });

  it("grows the domain to round ticks", () => {
    const axis = numericAxis([3, 97]);
    expect(axis.min).toBe(0);
    expect(axis.max).toBe(100);
    expect(axis.ticks).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it("gives a single value room and can stay on whole numbers", () => {
    const axis = numericAxis([3], { integers: true });
    expect(axis.min).toBeLessThan(3);
    expect(axis.max).toBeGreaterThan(3);
    expect(axis.ticks.every((tick) => Number.isInteger(tick))).toBe(true);
    expect(numericAxis([1, 2, 3, 4, 5, 6], { integers: true }).ticks).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("includes zero for bars and ignores non-finite values", () => {
    const axis = numericAxis([5, 8, Number.NaN, Number.POSITIVE_INFINITY], { includeZero: true });
    expect(axis.min).toBe(0);
    expect(axis.max).toBe(8);
  });

  it("copes with no values at all", () => {
    expect(numericAxis([])).toMatchObject({ min: 0, max: 1 });
  });
});

describe("formatTick and truncate", () => {
  it("writes percentages and compact numbers", () => {
    expect(formatTick(0.4, 0.2, "percent")).toBe("40%");
    expect(formatTick(0.025, 0.005, "percent")).toBe("2.5%");
    expect(formatTick(2_500_000, 500_000, "number")).toBe("2.5M");
    expect(formatTick(0.25, 0.05, undefined)).toBe("0.25");
  });

  it("truncates without splitting characters", () => {
    expect(truncate("short", 10)).toEqual({ text: "short", truncated: false });
    expect(truncate("a long label here", 8)).toEqual({ text: "a long …", truncated: true });
    expect(truncate("😀😀😀😀", 3).text).toBe("😀😀…");
  });
});
