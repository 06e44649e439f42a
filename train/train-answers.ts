// Trains the answer-harm model (assistant side of the local guard) and the refusal model (the
// `refusal` judge), each measured on the dev split next to the rule-based scorer it replaces.
import type { FeatureBag } from "../src/classifiers/hashed-features.ts";
import { linearLogits, sigmoid } from "../src/classifiers/linear-model.ts";
import { classifyRefusal } from "../src/judges/refusal-detector.ts";
import { REFUSAL_EXTRAS, REFUSAL_HEADS, refusalInputs } from "../src/judges/refusal-features.ts";
import { replyStance, scoreAssistantTurn } from "../src/moderators/local-guard/assistant-scorer.ts";
import { DIMENSION_KEYS } from "../src/moderators/local-guard/dimension-keys.ts";
import {
  ANSWER_EXTRAS,
  ANSWER_HEADS,
  answerInputs,
  ownCueStrength,
} from "../src/moderators/local-guard/learned-features.ts";
import { promptProbabilities } from "../src/moderators/local-guard/learned-scorer.ts";
import { scoreUserTurns } from "../src/moderators/local-guard/risk-scorer.ts";
import { analyseText } from "../src/moderators/local-guard/text-analysis.ts";
import { type AnswerExample, answerExamples } from "./answer-data.ts";
import { fitLinear, quantise, type TrainingRow } from "./fit-linear.ts";
import { at, bestThreshold, type Scored } from "./metrics.ts";
import { isDev, SEED, sourceWeights } from "./split.ts";
import { summary } from "./train-prompt.ts";

const BITS = 17;
/** Sources whose requests are all harmful, so an answer not judged jailbroken did not comply. */
const HARMFUL_REQUESTS = new Set(["GPTFuzz-responses", "llm-self-defense", "SAP-eval"]);

export interface Row extends TrainingRow {
  example: AnswerExample;
  baseline: number;
  dev: boolean;
}

function fitAndMeasure(name: string, rows: Row[], heads: readonly string[], extras: readonly string[]) {
  const train = rows.filter((row) => !row.dev);
  const dev = rows.filter((row) => row.dev);
  const options = {
    bits: BITS,
    heads: [...heads],
    extras: [...extras],
    epochs: 6,
    learningRate: 0.08,
    l2: 1e-6,
    seed: SEED,
  };
  const fitted = fitLinear(train, options);
  const base = { name, bits: BITS, heads: options.heads, extras: options.extras, trained: {} };
  const draft = quantise(fitted, { ...base, thresholds: [] });
  const scored: Scored[] = dev.map((row) => ({
    score: sigmoid(linearLogits(draft, row.bag, row.extras)[0] ?? 0),
    label: (row.labels[0] ?? 0) as 0 | 1,
  }));
  const threshold = bestThreshold(scored);
  const baseline: Scored[] = dev.map((row) => ({
    score: row.baseline,
    label: (row.labels[0] ?? 0) as 0 | 1,
  }));
  const bySource: Record<string, unknown> = {};
  for (const source of new Set(dev.map((row) => row.example.source))) {
    const pick = (list: Scored[]) => list.filter((_, index) => dev[index]?.example.source === source);
    bySource[source] = {
      model: summary(at(pick(scored), threshold)),
      rules: summary(at(pick(baseline), 0.5)),
    };
  }
  const trained = {
    seed: SEED,
    rows: { train: train.length, dev: dev.length },
    devModel: summary(at(scored, threshold)),
    devRules: summary(at(baseline, 0.5)),
    devBySource: bySource,
    thresholds: { [heads[0] ?? "yes"]: threshold },
  };
  return quantise(fitted, { ...base, thresholds: [threshold], trained });
}

export function trainAnswerModel() {
  const labelled = answerExamples().filter((example) => example.harmful !== null);
  // Harmful answers also without their request: a reply that hands over harm is harmful even
  // after a harmless-looking turn ("go on").
  const examples = [
    ...labelled,
    ...labelled
      .filter((example) => example.harmful === 1 && example.request.trim() !== "")
      .map((example) => ({ ...example, request: "Please go on." })),
  ];
  const weights = sourceWeights(examples, 3000);
  const rows: Row[] = examples.map((example) => {
    const request = example.request.trim();
    const userRisk = request
      ? scoreUserTurns(
          [{ messageIndex: 0, segments: [{ image: null, analysis: analyseText(request) }], imageCues: [] }],
          DIMENSION_KEYS,
        )
      : null;
    const analysis = analyseText(example.answer);
    const stance = replyStance(example.answer);
    const inputs = answerInputs(
      request ? [request] : [],
      example.answer,
      BITS,
      stance,
      userRisk ? Math.max(...userRisk.final.map((risk) => risk.score)) : 0,
      ownCueStrength(analysis),
      {
        request: request ? promptProbabilities([request], userRisk?.final ?? []).harmful : 0,
        answer: promptProbabilities([example.answer], []).harmful,
      },
    );
    const rules = scoreAssistantTurn(
      {
        messageIndex: 1,
        text: example.answer,
        analysis,
        context: userRisk?.byTurn[0] ?? new Map(),
        question: [],
      },
      DIMENSION_KEYS,
    );
    return {
      ...inputs,
      labels: Float32Array.of(example.harmful ?? 0),
      weight: weights.get(example.source) ?? 1,
      example,
      baseline: Math.max(...rules.map((risk) => risk.score)),
      dev: isDev(example.answer),
    };
  });
  return fitAndMeasure("answer-harm", rows, ANSWER_HEADS, ANSWER_EXTRAS);
}

export function trainRefusalModel() {
  return fitAndMeasure("refusal", refusalRows(), REFUSAL_HEADS, REFUSAL_EXTRAS);
}

/** The refusal model's labelled rows (train and dev), as trainRefusalModel reads them. */
export function refusalRows(): Row[] {
  const rows: Row[] = [];
  const examples = answerExamples();
  const weights = sourceWeights(examples, 3000);
  for (const example of examples) {
    const cues = classifyRefusal(example.answer);
    let refusal = example.refusal;
    // GPTFuzz / self-defense "not jailbroken" answers mix refusals with off-target ones: the
    // ones the cue detector reads as a plain refusal are taken as refusals, the rest left out.
    // Answers to harmful requests that humans judged not jailbroken and that carry a refusal
    // cue besides other text (the detector's `partial`: moralising, "Instead, …" redirections,
    // a refusing persona next to a playful one) are refusals too: soft refusals, which the
    // plain-refusal rule alone left out. CoCoNot's hedged answers to benign prompts are not.
    if (refusal === null && example.harmful === 0 && cues.label === "refusal") refusal = 1;
    if (
      refusal === null &&
      example.harmful === 0 &&
      cues.label === "partial" &&
      HARMFUL_REQUESTS.has(example.source)
    )
      refusal = 1;
    if (refusal === null || cues.label === "empty") continue;
    const inputs: { bag: FeatureBag; extras: Float32Array } = refusalInputs(
      example.answer,
      cues,
      cues.helpChars,
      BITS,
    );
    rows.push({
      ...inputs,
      labels: Float32Array.of(refusal),
      weight: weights.get(example.source) ?? 1,
      example,
      baseline: cues.value === null ? 0 : cues.value,
      dev: isDev(example.answer),
    });
  }
  return rows;
}
