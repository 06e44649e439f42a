import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { normalCdf, normalCriticalValue, studentTCdf, studentTCriticalValue } from "./critical-values.ts";

describe("normalCriticalValue", () => {
  it("matches published z values", () => {
    expect(normalCriticalValue(0.95)).toBeCloseTo(1.959964, 6);
    expect(normalCriticalValue(0.99)).toBeCloseTo(2.575829, 6);
    expect(normalCriticalValue(0.9)).toBeCloseTo(1.644854, 6);
  });

  it("rejects confidence levels outside (0, 1)", () => {
    for (const bad of [0, 1, 95, -0.5, Number.NaN])
      expect(() => normalCriticalValue(bad)).toThrow(InputError);
  });

  it("has a symmetric CDF", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 12);
    expect(normalCdf(1) + normalCdf(-1)).toBeCloseTo(1, 12);
    expect(normalCdf(1)).toBeCloseTo(0.841345, 6);
  });
});

describe("studentTCriticalValue", () => {
  it.each([
    [1, 0.95, 12.706205],
    [2, 0.95, 4.302653],
    [5, 0.95, 2.570582],
    [9, 0.95, 2.262157],
    [29, 0.95, 2.04523],
    [9, 0.99, 3.249836],
    [1, 0.99, 63.656741],
  ])("df=%i at %d is %d", (degreesOfFreedom, confidence, expected) => {
    expect(studentTCriticalValue(confidence, degreesOfFreedom)).toBeCloseTo(expected, 4);
  });

  it("approaches the normal value for large samples", () => {
    expect(studentTCriticalValue(0.95, 100_000)).toBeCloseTo(1.96, 3);
  });

  it("rejects non-positive degrees of freedom", () => {
    expect(() => studentTCriticalValue(0.95, 0)).toThrow(InputError);
    expect(() => studentTCriticalValue(0.95, Number.POSITIVE_INFINITY)).toThrow(InputError);
  });

  it("has a CDF that inverts the critical value", () => {
    expect(studentTCdf(2.262157, 9)).toBeCloseTo(0.975, 6);
    expect(studentTCdf(-2.262157, 9)).toBeCloseTo(0.025, 6);
  });
});
