import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { groupRates, meanInterval, wilsonInterval } from "./proportion.ts";

describe("wilsonInterval", () => {
  it("matches the textbook value for 5 of 10", () => {
    const interval = wilsonInterval(5, 10);
    expect(interval.rate).toBe(0.5);
    expect(interval.low).toBeCloseTo(0.2366, 4);
    expect(interval.high).toBeCloseTo(0.7634, 4);
  });

  it("matches Newcombe's 81 of 263 example", () => {
    const interval = wilsonInterval(81, 263);
    expect(interval.low).toBeCloseTo(0.2553, 4);
    expect(interval.high).toBeCloseTo(0.3662, 4);
  });

  it("stays inside [0, 1] at the edges", () => {
    expect(wilsonInterval(0, 10)).toMatchObject({ rate: 0, low: 0 });
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10)).toMatchObject({ rate: 1, high: 1 });
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
  });

  it("widens with confidence", () => {
    const interval = wilsonInterval(5, 10, 0.99);
    expect(interval.low).toBeCloseTo(0.1842, 4);
    expect(interval.high).toBeCloseTo(0.8158, 4);
  });

  it("returns null figures, not 0, when there is nothing to count", () => {
    expect(wilsonInterval(0, 0)).toEqual({ successes: 0, total: 0, rate: null, low: null, high: null });
  });

  it("rejects impossible counts", () => {
    expect(() => wilsonInterval(11, 10)).toThrow(InputError);
    expect(() => wilsonInterval(-1, 10)).toThrow(InputError);
    expect(() => wilsonInterval(1.5, 10)).toThrow(InputError);
    expect(() => wilsonInterval(1, 10, 1.2)).toThrow(InputError);
  });
});

describe("meanInterval", () => {
  it("uses the t distribution for small samples", () => {
    const interval = meanInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(interval.mean).toBe(5.5);
    expect(interval.n).toBe(10);
    expect(interval.standardDeviation).toBeCloseTo(3.02765, 5);
    expect(interval.low).toBeCloseTo(3.33415, 4);
    expect(interval.high).toBeCloseTo(7.66585, 4);
  });

  it("is very wide for two values (t with one degree of freedom)", () => {
    const interval = meanInterval([2, 4]);
    expect(interval.low).toBeCloseTo(3 - 12.7062, 3);
    expect(interval.high).toBeCloseTo(3 + 12.7062, 3);
  });

  it("has no interval for one value and no mean for none", () => {
    expect(meanInterval([4])).toEqual({ mean: 4, low: null, high: null, n: 1, standardDeviation: null });
    expect(meanInterval([])).toEqual({ mean: null, low: null, high: null, n: 0, standardDeviation: null });
  });

  it("collapses to the mean when every value is equal", () => {
    expect(meanInterval([3, 3, 3])).toMatchObject({ mean: 3, low: 3, high: 3 });
  });

  it("refuses non-finite values instead of dropping them", () => {
    expect(() => meanInterval([1, Number.NaN])).toThrow(InputError);
  });
});

describe("groupRates", () => {
  it("counts per group in first-seen order and keeps undecided items visible", () => {
    const scores = [
      { model: "b", label: "unsafe" },
      { model: "a", label: "safe" },
      { model: "b", label: "safe" },
      { model: "a", label: "unsafe" },
      { model: "a", label: null },
      { model: "b", label: "unsafe" },
    ];
    const rates = groupRates(
      scores,
      (score) => score.model,
      (score) => (score.label === null ? null : score.label === "unsafe"),
    );
    expect(rates.map((rate) => rate.group)).toEqual(["b", "a"]);
    expect(rates[0]).toMatchObject({ successes: 2, total: 3, excluded: 0 });
    expect(rates[1]).toMatchObject({ successes: 1, total: 2, excluded: 1, rate: 0.5 });
    expect(rates[1]?.low).toBeCloseTo(wilsonInterval(1, 2).low ?? Number.NaN, 12);
  });

  it("gives a null rate to a group whose items were all excluded", () => {
    const [only] = groupRates(
      [1, 2],
      () => "all",
      () => null,
    );
    expect(only).toMatchObject({ group: "all", total: 0, excluded: 2, rate: null });
  });
});
