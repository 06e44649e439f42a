import { describe, expect, it } from "vitest";
import { dimensionTable } from "./moderation-report.ts";
import type { ModeratorSummary, SideSummary } from "./moderation-summary.ts";

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
