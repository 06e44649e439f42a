import { describe, expect, it } from "vitest";
import type { MtmcsGroup } from "./mtmcs-aggregate.ts";
import { headline } from "./mtmcs-report-tables.ts";

const group = (index: number) =>
  ({
    split: "type_a",
    modality: "mm",
    targetId: `model-${index}`,
    defence: "none",
    safetyAwareness: { values: [3] },
    helpfulness: { values: [4] },
  }) as unknown as MtmcsGroup;
const counts = { cases: 40, done: 40, errored: 0, pending: 0, unparsedScores: 0, erroredScores: 0 };

describe("MTMCS headline", () => {
  it("says when the group cards are cut short", () => {
    const cards = headline(
      Array.from({ length: 20 }, (_, index) => group(index)),
      counts,
    );
    expect(cards.at(-1)).toMatchObject({ label: "headline cards", value: "showing 12 of 20 groups" });
    expect(cards.filter((card) => card.label.includes("model-"))).toHaveLength(12);
  });

  it("adds no note when every group has its card", () => {
    const cards = headline([group(1), group(2)], counts);
    expect(cards.map((card) => card.label)).not.toContain("headline cards");
  });
});
