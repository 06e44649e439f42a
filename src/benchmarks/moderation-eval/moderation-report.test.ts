import { describe, expect, it } from "vitest";
import { moderationOutcome } from "./moderation-case-views.ts";
import { dimensionTable } from "./moderation-report.ts";
import type { ModeratorSummary, SideSummary } from "./moderation-summary.ts";
import type { ModerationCaseResult } from "./run-moderation-eval.ts";

const scores = (precision: number | null, recall: number | null) => ({
  scored: 4,
  precision,
  recall,
  f1: precision,
  accuracy: 0.5,
});

describe("per-dimension table", () => {
  it("leaves out dimensions no item is labelled with and says how many", () => {
    const side = {
      perDimension: [
        { dimension: "Violence & Harm", support: 3, ...scores(0.5, 1) },
        // Named by the moderator but labelled on no item: no recall, nothing to read per row.
        { dimension: "Sexual Content", support: 0, ...scores(0, null) },
      ],
    } as unknown as SideSummary;
    const summary = {
      label: "paranoid",
      sides: { user: side, assistant: null },
    } as unknown as ModeratorSummary;
    const table = dimensionTable([summary]);
    expect(table.rows.map((row) => row[2])).toEqual(["Violence & Harm"]);
    expect(table.note).toContain("1 moderator, side and dimension rows with no support");
  });
});

describe("moderation case outcome", () => {
  const gold = (rating: "safe" | "unsafe") => ({
    user: { rating, dimension: null, rationale: null },
    assistant: null,
  });
  const rated = (...ratings: ("safe" | "unsafe" | null)[]) =>
    ({
      policy: [],
      moderators: Object.fromEntries(
        ratings.map((rating, index) => [
          `m${index}`,
          {
            result: {
              status: rating ? "ok" : "errored",
              user: rating
                ? { rating, dimension: null, rationale: "", evidence: { messages: [], images: [] } }
                : null,
              assistant: null,
              raw: null,
              error: rating ? null : "HTTP 500",
            },
          },
        ]),
      ),
    }) as unknown as ModerationCaseResult;

  it("marks an unsafe item a moderator passed as missed risk, a safe one it flagged as over-refusal", () => {
    expect(moderationOutcome(gold("unsafe"), rated("unsafe", "safe"))).toBe("missed-risk");
    expect(moderationOutcome(gold("safe"), rated("safe", "unsafe"))).toBe("over-refusal");
    expect(moderationOutcome(gold("unsafe"), rated("unsafe"))).toBeNull();
    // No verdict is neither: it is counted apart, not read as safe.
    expect(moderationOutcome(gold("unsafe"), rated(null))).toBeNull();
  });
});
