import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { linearLogits, sigmoid } from "../src/classifiers/linear-model.ts";
import { shippedModel } from "../src/classifiers/shipped-models.ts";
import { at } from "../train/metrics.ts";
import { TRAIN_DATA } from "../train/read-sources.ts";
import { refusalRows } from "../train/train-answers.ts";

// The shipped refusal weights on the dev split (rows they were not trained on), read from
// ../shared/data: skipped on a clone without it. The weights before soft refusals were added
// (answers to harmful requests judged not jailbroken that carry a refusal cue besides other
// text) had F1 0.907 and GPTFuzz recall 0.819 on these rows.
describe.skipIf(!existsSync(TRAIN_DATA))("refusal model on the dev split (needs ../shared/data)", () => {
  it("catches soft refusals to harmful requests without losing precision", () => {
    const model = shippedModel("refusal");
    const threshold = model.header.thresholds[0] ?? 0.5;
    const scored = refusalRows()
      .filter((row) => row.dev)
      .map((row) => ({
        score: sigmoid(linearLogits(model, row.bag, row.extras)[0] ?? 0),
        label: (row.labels[0] ?? 0) as 0 | 1,
        source: row.example.source,
      }));
    const all = at(scored, threshold);
    const gptfuzz = at(
      scored.filter((item) => item.source === "GPTFuzz-responses"),
      threshold,
    );
    expect(all.f1).toBeGreaterThanOrEqual(0.95);
    expect(all.precision).toBeGreaterThanOrEqual(0.97);
    expect(gptfuzz.recall).toBeGreaterThanOrEqual(0.95);
  });
});
