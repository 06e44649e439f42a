import { describe, expect, it } from "vitest";
import type { CaseRecord } from "../../engine/store.ts";
import { GOLD_KEY } from "./gold-labels.ts";
import { summariseJudgeEval } from "./judge-eval-summary.ts";
import { readVerdict } from "./read-verdict.ts";
import type { JudgeEvalCaseResult, JudgeOutcome } from "./run-judge-eval.ts";

// Ten items worked by hand (the same as src/metrics/judge-metrics.test.ts): 4 harmful, 6 harmless.
const GOLD = [true, true, true, true, false, false, false, false, false, false];
const MODERATOR = [true, true, true, false, true, false, false, false, false, false];
const RISK = [0.9, 0.8, 0.6, 0.3, 0.7, 0.3, 0.2, 0.1, 0.1, 0.0];
const REFUSAL = [
  "compliance",
  "compliance",
  "compliance",
  "refusal",
  "refusal",
  "refusal",
  "refusal",
  "refusal",
  "refusal",
  "partial",
];
const REFUSAL_VALUE: Record<string, number> = { compliance: 0, refusal: 1, partial: 0.5 };

function outcome(judge: string, fields: Partial<JudgeOutcome>): JudgeOutcome {
  return {
    judge,
    status: "ok",
    label: null,
    value: null,
    score: null,
    explanation: null,
    latencyMs: 10,
    usage: { calls: 1, inputTokens: 100, outputTokens: 10, costUsd: 0.001 },
    ...fields,
  };
}

function records(): CaseRecord[] {
  return GOLD.map((gold, index) => {
    const safety =
      index === 8
        ? outcome("safety", { status: "unparsed", explanation: "no label" })
        : index === 9
          ? outcome("safety", { status: "errored", explanation: "HTTP 500" })
          : outcome("safety", { label: gold ? "unsafe" : "safe", value: gold ? 1 : 0 });
    const label = REFUSAL[index] as string;
    const result: JudgeEvalCaseResult = {
      task: "harm",
      judges: {
        local: outcome("moderation", {
          label: MODERATOR[index] ? "unsafe" : "safe",
          value: MODERATOR[index] ? 1 : 0,
          score: RISK[index] as number,
        }),
        "safety:m": safety,
        refusal: outcome("refusal", {
          label,
          value: REFUSAL_VALUE[label] as number,
          usage: { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
        }),
      },
    };
    return {
      runId: "r",
      caseId: `item-${index}`,
      index,
      status: "done",
      error: null,
      updatedAt: "",
      result,
      dialogue: {
        version: 1,
        id: `item-${index}`,
        messages: [
          { role: "user", content: [{ type: "text", text: `request ${index}` }] },
          { role: "assistant", content: [{ type: "text", text: `answer ${index}` }] },
        ],
        labels: { [GOLD_KEY]: { positive: gold, value: gold ? "unsafe" : "safe" } },
        metadata: { category: index < 5 ? "a" : "b" },
      },
    };
  });
}

describe("summariseJudgeEval on a fixture with known answers", () => {
  const summary = summariseJudgeEval(records(), "harm");
  const judge = (label: string) => summary.judges.find((entry) => entry.label === label);

  it("counts the items and classes", () => {
    expect(summary).toMatchObject({ items: 10, positives: 4, negatives: 6 });
    expect(summary.judges.map((entry) => entry.label)).toEqual(["local", "safety:m", "refusal"]);
  });

  it("gives a graded judge the hand-computed F1, kappa and ROC-AUC", () => {
    const local = judge("local");
    expect(local?.overall.confusion).toEqual({
      truePositive: 3,
      falsePositive: 1,
      falseNegative: 1,
      trueNegative: 5,
    });
    expect(local?.overall.f1).toBeCloseTo(0.75, 12);
    expect(local?.overall.kappa).toBeCloseTo(0.28 / 0.48, 12);
    expect(local?.graded).toBe(true);
    expect(local?.rocAuc).toBeCloseTo(21.5 / 24, 12);
    expect(local?.bestThreshold?.threshold).toBe(0.3);
    expect(local?.usage).toEqual({
      calls: 10,
      inputTokens: 1000,
      outputTokens: 100,
      costUsd: expect.closeTo(0.01, 12),
    });
    expect(local?.costPer1000Items).toBeCloseTo(1, 12);
  });

  it("counts unparsed and errored verdicts apart, never as harmless, and as wrong in strict accuracy", () => {
    const safety = judge("safety:m");
    expect(safety?.overall.noVerdict).toEqual({ unparsed: 1, errored: 1 });
    expect(safety?.overall.confusion).toEqual({
      truePositive: 4,
      falsePositive: 0,
      falseNegative: 0,
      trueNegative: 4,
    });
    expect(safety?.overall.accuracy).toBe(1);
    expect(safety?.overall.strictAccuracy).toBeCloseTo(0.8, 12);
    expect(safety?.graded).toBe(false);
    expect(safety?.rocAuc).toBeNull();
  });

  it("reads the refusal detector on harm labels as 'compliance is harmful', partial refusals as refusals", () => {
    const refusal = judge("refusal");
    expect(refusal?.overall.confusion).toEqual({
      truePositive: 3,
      falsePositive: 0,
      falseNegative: 1,
      trueNegative: 6,
    });
    // p_o = 0.9; p_e = (3*4 + 7*6) / 100 = 0.54; kappa = 0.36 / 0.46.
    expect(refusal?.overall.kappa).toBeCloseTo(0.36 / 0.46, 12);
    // Scores 1 - value: positives [1, 1, 1, 0], negatives [0 x5, 0.5]: (18 + 5 * 0.5) / 24.
    expect(refusal?.rocAuc).toBeCloseTo(20.5 / 24, 12);
  });

  it("breaks the figures down by category", () => {
    const categories = judge("local")?.categories ?? [];
    expect(categories.map((row) => row.category)).toEqual(["a", "b"]);
    expect(categories[0]).toMatchObject({ items: 5, precision: 0.75, recall: 0.75, accuracy: 0.6 });
    expect(categories[1]).toMatchObject({
      items: 5,
      accuracy: 1,
      precision: null,
      recall: null,
      kappa: null,
    });
  });

  it("lists every disagreement with its kind and text", () => {
    const listed = summary.disagreements.map((item) => [item.caseId, item.judge, item.kind]);
    expect(listed).toEqual([
      ["item-3", "local", "false negative"],
      ["item-3", "refusal", "false negative"],
      ["item-4", "local", "false positive"],
      ["item-8", "safety:m", "unparsed"],
      ["item-9", "safety:m", "errored"],
    ]);
    expect(summary.disagreements[0]).toMatchObject({
      gold: "unsafe",
      verdict: "safe",
      request: "request 3",
      answer: "answer 3",
    });
  });
});

describe("readVerdict", () => {
  it("counts partial refusals as refusals on refusal labels, and answers the detector cannot read as no verdict", () => {
    expect(readVerdict(outcome("refusal", { label: "partial", value: 0.5 }), "refusal")).toEqual({
      predicted: true,
      score: 0.5,
      noVerdict: null,
    });
    expect(readVerdict(outcome("refusal", { label: "compliance", value: 0 }), "refusal").predicted).toBe(
      false,
    );
    expect(readVerdict(outcome("refusal", { label: "unknown", value: null }), "refusal")).toEqual({
      predicted: null,
      score: null,
      noVerdict: "unparsed",
    });
    expect(readVerdict(outcome("safety", { status: "errored" }), "harm").noVerdict).toBe("errored");
  });
});
