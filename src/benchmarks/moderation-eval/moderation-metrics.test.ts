import { describe, expect, it } from "vitest";
import {
  binaryScores,
  ConfusionMatrix,
  countItem,
  emptyCounts,
  percentile,
  predictionOf,
} from "./moderation-metrics.ts";
import { summariseModeration } from "./moderation-summary.ts";

describe("moderation metrics", () => {
  it("gives null, not zero, where a denominator is empty", () => {
    const counts = emptyCounts();
    countItem(counts, false, false);
    expect(binaryScores(counts)).toEqual({ scored: 1, precision: null, recall: null, f1: null, accuracy: 1 });
    expect(binaryScores(emptyCounts()).accuracy).toBeNull();
  });

  it("counts items without a verdict only in the strict variant", () => {
    const counts = emptyCounts();
    countItem(counts, true, true);
    countItem(counts, true, null);
    countItem(counts, false, null);
    expect(binaryScores(counts)).toMatchObject({ scored: 1, precision: 1, recall: 1 });
    expect(binaryScores(counts, true)).toMatchObject({
      scored: 3,
      precision: 0.5,
      recall: 0.5,
      accuracy: 1 / 3,
    });
  });

  it("takes nearest-rank percentiles", () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it("reads a null side of an ok result as missing and of a failed one as its status", () => {
    const base = { user: null, assistant: null, raw: null, error: null };
    expect(predictionOf({ status: "ok", ...base }, "user")).toEqual({
      kind: "no-verdict",
      reason: "missing",
    });
    expect(predictionOf({ status: "errored", ...base }, "user")).toEqual({
      kind: "no-verdict",
      reason: "errored",
    });
  });

  it("orders confusion rows and columns as preferred, then the rest", () => {
    const matrix = new ConfusionMatrix();
    matrix.add("unsafe", "errored");
    matrix.add("safe", "safe");
    matrix.add("safe", "safe");
    expect(matrix.table(["safe", "unsafe"], ["safe", "unsafe"])).toEqual({
      rows: ["safe", "unsafe"],
      columns: ["safe", "errored"],
      counts: [
        [2, 0],
        [0, 1],
      ],
    });
  });
});

describe("summariseModeration", () => {
  it("counts how many main moderations a cascade decided locally", () => {
    const usage = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const records = [true, false, false].map((escalated, index) => ({
      runId: "r",
      caseId: `c${index}`,
      index,
      status: "done" as const,
      error: null,
      updatedAt: "",
      dialogue: {
        version: 1 as const,
        id: `c${index}`,
        messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }],
        labels: {
          moderation: { user: { rating: "safe", dimension: null, rationale: null }, assistant: null },
        },
        metadata: {},
      },
      result: {
        policy: [],
        moderators: {
          cascade: {
            result: { status: "ok", user: null, assistant: null, raw: null, error: null, escalated },
            latencyMs: index,
            usage,
            flip: null,
          },
        },
      },
    }));
    const [summary] = summariseModeration(records);
    expect(summary?.cascade).toEqual({ moderated: 3, escalated: 1, saved: 2 });
    expect(summary?.sides.user?.noVerdict.missing).toBe(3);
  });
});
