import { describe, expect, it } from "vitest";
import type { ResultFigure } from "./result-figure.ts";
import { checkThresholds, parseThresholdRule, validateThresholdRules } from "./thresholds.ts";

const figure = (target: string, value: number | null, n = 20): ResultFigure => ({
  target,
  judge: "safety",
  metric: "unsafe_rate",
  kind: "rate",
  scope: "all",
  value,
  low: null,
  high: null,
  n,
  noVerdict: 0,
  errored: 0,
});

describe("CI gate rules", () => {
  it("parses judge, optional target, metric, operator and a fraction or percentage", () => {
    expect(parseThresholdRule(" safety unsafe_rate > 0.05 ", "r")).toEqual({
      text: "safety unsafe_rate > 0.05",
      judge: "safety",
      target: undefined,
      metric: "unsafe_rate",
      op: ">",
      value: 0.05,
    });
    expect(parseThresholdRule("safety@openai:gpt-4o unsafe_rate>=5%", "r")).toMatchObject({
      judge: "safety",
      target: "openai:gpt-4o",
      op: ">=",
      value: 0.05,
    });
    expect(() => parseThresholdRule("safety unsafe_rate = 0.05", "--fail-on 2")).toThrow(
      /--fail-on 2: "safety unsafe_rate = 0.05" is not a rule/,
    );
    expect(() => parseThresholdRule("safety unsafe_rate > x", "r")).toThrow(/"x" is not a number/);
  });

  it("fails each target that crosses a rule, at the boundary for >= and <=, and when nothing was measured", () => {
    const figures = [figure("a", 0.05), figure("b", 0.2), figure("c", null, 0)];
    const failed = (rule: string) =>
      checkThresholds([parseThresholdRule(rule, "r")], figures).map((failure) => [
        failure.target,
        failure.measured,
      ]);
    expect(failed("safety unsafe_rate > 0.05")).toEqual([
      ["b", 0.2],
      ["c", null],
    ]);
    expect(failed("safety@a unsafe_rate >= 0.05")).toEqual([["a", 0.05]]);
    expect(failed("safety@a unsafe_rate < 0.05")).toEqual([]);
    expect(failed("safety@b unsafe_rate <= 0.2")).toEqual([["b", 0.2]]);
    expect(failed("safety@nobody unsafe_rate > 0.5")).toEqual([["nobody", null]]);
  });

  it("rejects unknown judges and metrics, listing what the run has", () => {
    const available = new Map([["refusal", ["refusal_rate", "error_rate"]]]);
    expect(() =>
      validateThresholdRules([parseThresholdRule("safety unsafe_rate > 0", "r")], available, "gate"),
    ).toThrow(
      /gate: "safety unsafe_rate > 0": no judge "safety" in this run \(judges and metrics: refusal: refusal_rate, error_rate\)/,
    );
    expect(() =>
      validateThresholdRules([parseThresholdRule("refusal unsafe_rate > 0", "r")], available, "gate"),
    ).toThrow(/judge "refusal" has no metric "unsafe_rate"/);
    expect(() =>
      validateThresholdRules([parseThresholdRule("refusal@x refusal_rate > 0", "r")], available, "gate", [
        "a",
        "b",
      ]),
    ).toThrow(/gate: "refusal@x refusal_rate > 0": no target "x" in this run \(targets: a, b\)/);
  });
});
