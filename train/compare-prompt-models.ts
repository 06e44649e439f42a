// Compares two prompt-harm weight files on today's dev split (rows neither was trained on:
// the split is a seeded hash of the text, so a row that is dev now was dev for both), each at
// its own dev threshold. `node train/compare-prompt-models.ts <old.tslm> [new.tslm]`.
import path from "node:path";
import { linearLogits, loadLinearModel, sigmoid } from "../src/classifiers/linear-model.ts";
import { MODELS_DIR } from "../src/classifiers/shipped-models.ts";
import { DIMENSION_KEYS } from "../src/moderators/local-guard/dimension-keys.ts";
import { promptExtras, turnBag, USER_SALT } from "../src/moderators/local-guard/learned-features.ts";
import { scoreUserTurns } from "../src/moderators/local-guard/risk-scorer.ts";
import { analyseText } from "../src/moderators/local-guard/text-analysis.ts";
import { everydayExamples } from "./everyday-prompt-data.ts";
import { at } from "./metrics.ts";
import { requestExamples, statementExamples } from "./prompt-data.ts";
import { isDev } from "./split.ts";
import { summary } from "./train-prompt.ts";

const [oldFile, newFile = path.join(MODELS_DIR, "prompt-harm.tslm")] = process.argv.slice(2);
if (!oldFile) throw new Error("usage: node train/compare-prompt-models.ts <old.tslm> [new.tslm]");
const rows = [...requestExamples(), ...everydayExamples(), ...statementExamples()].filter((row) =>
  isDev(row.text),
);
const inputs = rows.map((row) => {
  const lexical = scoreUserTurns(
    [{ messageIndex: 0, segments: [{ image: null, analysis: analyseText(row.text) }], imageCues: [] }],
    DIMENSION_KEYS,
  ).final;
  return { bag: turnBag([row.text], 18, USER_SALT), extras: promptExtras(lexical), row };
});
const everyday = new Set(["diasafety-medical", "safetext-safe"]);
for (const file of [oldFile, newFile]) {
  const model = loadLinearModel(file);
  const threshold = model.header.thresholds[0] ?? 0.5;
  const scored = inputs.map(({ bag, extras, row }) => ({
    score: sigmoid(linearLogits(model, bag, extras)[0] ?? 0),
    label: row.harmful,
    source: row.source,
  }));
  const earlier = scored.filter((item) => !everyday.has(item.source));
  process.stdout.write(
    `${file} (threshold ${threshold})\n  all dev rows: ${JSON.stringify(summary(at(scored, threshold)))}\n` +
      `  dev rows of the earlier sources: ${JSON.stringify(summary(at(earlier, threshold)))}\n`,
  );
}
