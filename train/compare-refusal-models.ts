// Compares two refusal weight files on today's dev split (rows neither was trained on: the split
// is a seeded hash of the answer), each at its own dev threshold, overall and on CoCoNot's
// varied refusals. `node train/compare-refusal-models.ts <old.tslm> [new.tslm]`.
import path from "node:path";
import { linearLogits, loadLinearModel, sigmoid } from "../src/classifiers/linear-model.ts";
import { MODELS_DIR } from "../src/classifiers/shipped-models.ts";
import { at } from "./metrics.ts";
import { refusalRows } from "./train-answers.ts";
import { summary } from "./train-prompt.ts";

const [oldFile, newFile = path.join(MODELS_DIR, "refusal.tslm")] = process.argv.slice(2);
if (!oldFile) throw new Error("usage: node train/compare-refusal-models.ts <old.tslm> [new.tslm]");
const dev = refusalRows().filter((row) => row.dev);
for (const file of [oldFile, newFile]) {
  const model = loadLinearModel(file);
  const threshold = model.header.thresholds[0] ?? 0.5;
  const scored = dev.map((row) => ({
    score: sigmoid(linearLogits(model, row.bag, row.extras)[0] ?? 0),
    label: (row.labels[0] ?? 0) as 0 | 1,
    source: row.example.source,
  }));
  const pick = (source: string) => scored.filter((item) => item.source === source);
  process.stdout.write(
    `${file} (threshold ${threshold})\n  all dev rows: ${JSON.stringify(summary(at(scored, threshold)))}\n` +
      `  coconot-refusals: ${JSON.stringify(summary(at(pick("coconot-refusals"), threshold)))}\n` +
      `  GPTFuzz-responses: ${JSON.stringify(summary(at(pick("GPTFuzz-responses"), threshold)))}\n`,
  );
}
