import { describe, expect, it } from "vitest";
import { comparePairedRates, mcnemarExact } from "./paired-comparison.ts";

describe("paired comparison", () => {
  it("gives the exact McNemar p-value of the discordant pairs", () => {
    // Binomial(10, 1/2): P(X <= 1) = 11/1024, two-sided 22/1024.
    expect(mcnemarExact(1, 9)).toBeCloseTo(22 / 1024, 10);
    expect(mcnemarExact(9, 1)).toBeCloseTo(22 / 1024, 10);
    expect(mcnemarExact(5, 5)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
    // Large counts stay finite and tiny.
    expect(mcnemarExact(1000, 2000)).toBeLessThan(1e-20);
  });

  it("compares paired rates with an interval around the difference", () => {
    const result = comparePairedRates({ bothFail: 10, onlyA: 5, onlyB: 25, neither: 60 });
    expect(result.rateA).toBeCloseTo(0.15);
    expect(result.rateB).toBeCloseTo(0.35);
    expect(result.difference).toBeCloseTo(0.2);
    expect(result.low).toBeGreaterThan(0.08);
    expect(result.high).toBeLessThan(0.32);
    expect(result.pValue).toBeLessThan(0.001);
    expect(comparePairedRates({ bothFail: 0, onlyA: 0, onlyB: 0, neither: 0 }).difference).toBeNull();
  });
});
