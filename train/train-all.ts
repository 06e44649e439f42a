// `npm run train`: trains the shipped classifiers from ../shared/data (seeded, a few minutes on
// two cores), writes models/*.tslm and the model cards. CI does not run this; tests check that
// the shipped weights load and score fixed examples as recorded.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { encodeLinearModel, type LinearModel } from "../src/classifiers/linear-model.ts";
import { MODELS_DIR } from "../src/classifiers/shipped-models.ts";
import { trainAnswerModel, trainRefusalModel } from "./train-answers.ts";
import { trainPromptModel } from "./train-prompt.ts";

const only = process.argv.slice(2);
const trainers: Record<string, () => LinearModel> = {
  "prompt-harm": trainPromptModel,
  "answer-harm": trainAnswerModel,
  refusal: trainRefusalModel,
};

for (const [name, train] of Object.entries(trainers)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = performance.now();
  const model = train();
  const file = path.join(MODELS_DIR, `${name}.tslm`);
  writeFileSync(file, encodeLinearModel(model));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${name}: ${seconds}s -> ${file}\n${JSON.stringify(model.header.trained)}\n`);
}
