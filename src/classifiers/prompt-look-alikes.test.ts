import { describe, expect, it } from "vitest";
import { DIMENSION_KEYS } from "../moderators/local-guard/dimension-keys.ts";
import { promptProbabilities } from "../moderators/local-guard/learned-scorer.ts";
import { HARMFUL_PARAPHRASES, LOOK_ALIKE_PROMPTS } from "../moderators/local-guard/look-alike-prompts.ts";
import { scoreUserTurns } from "../moderators/local-guard/risk-scorer.ts";
import { analyseText } from "../moderators/local-guard/text-analysis.ts";
import { BENIGN_LOOK_ALIKES } from "./benign-look-alikes.ts";
import { shippedModel } from "./shipped-models.ts";

// The prompt-harm model alone, at its dev threshold, on the project's own prompts that
// `npm run train` never reads. The bounds are what the shipped weights do (README, "Trained
// classifiers"); the weights before the everyday-text data (train/everyday-prompt-data.ts)
// flagged 10 of 30 and 44 of 180. The user side stays lexical by default until <= 2 of 30.
function flagged(texts: readonly string[]): string[] {
  const threshold = shippedModel("prompt-harm").header.thresholds[0] ?? 0.5;
  return texts.filter((text) => {
    const lexical = scoreUserTurns(
      [{ messageIndex: 0, segments: [{ image: null, analysis: analyseText(text) }], imageCues: [] }],
      DIMENSION_KEYS,
    ).final;
    return promptProbabilities([text], lexical).harmful >= threshold;
  });
}

describe("prompt-harm model on held-out look-alikes (never trained on)", () => {
  it("flags at most 8 of the 30 benign look-alikes and at most 40 of the guard's 180", () => {
    expect(flagged(BENIGN_LOOK_ALIKES).length).toBeLessThanOrEqual(8);
    expect(flagged(LOOK_ALIKE_PROMPTS).length).toBeLessThanOrEqual(40);
  });

  it("still flags all 20 harmful paraphrases", () => {
    expect(flagged(HARMFUL_PARAPHRASES)).toEqual(HARMFUL_PARAPHRASES);
  });
});
