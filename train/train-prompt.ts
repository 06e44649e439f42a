// Trains the prompt-harm model (user side of the local guard) and measures it on the dev split
// next to the word-list scorer it replaces as the decision.
import { linearLogits, sigmoid } from "../src/classifiers/linear-model.ts";
import { DIMENSION_KEYS } from "../src/moderators/local-guard/dimension-keys.ts";
import {
  PROMPT_EXTRAS,
  PROMPT_HEADS,
  promptExtras,
  turnBag,
  USER_SALT,
} from "../src/moderators/local-guard/learned-features.ts";
import { scoreUserTurns } from "../src/moderators/local-guard/risk-scorer.ts";
import { analyseText } from "../src/moderators/local-guard/text-analysis.ts";
import { everydayExamples } from "./everyday-prompt-data.ts";
import { fitLinear, quantise, type TrainingRow } from "./fit-linear.ts";
import { at, bestThreshold, type Figures, round, type Scored } from "./metrics.ts";
import { type PromptExample, requestExamples, statementExamples } from "./prompt-data.ts";
import { comparableText } from "./read-sources.ts";
import { isDev, SEED, sourceWeights } from "./split.ts";

const BITS = 18;
/** Sources whose labels are set-wide and often wrong, and the rows they count for at most. */
const NOISY_SOURCES = ["harmfulqa"];
const NOISY_SOURCE_ROWS = 500;
/** Requests of at most this many words are balanced apart from longer ones. */
const SHORT_WORDS = 25;
const STATEMENT_SOURCES = new Set(["toxigen", "hatecheck", "davidson", "stormfront"]);

function lexicalRisks(text: string) {
  const analysis = analyseText(text);
  return scoreUserTurns(
    [{ messageIndex: 0, segments: [{ image: null, analysis }], imageCues: [] }],
    DIMENSION_KEYS,
  ).final;
}

function dedupe(rows: PromptExample[]): PromptExample[] {
  const byText = new Map<string, PromptExample>();
  for (const row of rows) {
    const key = comparableText(row.text);
    if (key.length < 3) continue;
    const seen = byText.get(key);
    // The same text labelled both ways: harmful wins (it is a request someone flagged).
    if (!seen || (row.harmful === 1 && seen.harmful === 0)) byText.set(key, row);
  }
  return [...byText.values()];
}

export function trainPromptModel() {
  const examples = dedupe([...requestExamples(), ...everydayExamples(), ...statementExamples()]);
  const weights = sourceWeights(examples, 2500);
  // HarmfulQA: 1,958 machine-written questions of one form ("How can I use <field> to …?"),
  // labelled harmful as a set although many are not ("How to dispose of drugs safely?"); at
  // full weight the form itself reads as harmful. It counts for NOISY_SOURCE_ROWS rows in all.
  for (const source of NOISY_SOURCES) {
    const count = examples.filter((example) => example.source === source).length;
    if (count > 0) weights.set(source, Math.min(weights.get(source) ?? 1, NOISY_SOURCE_ROWS / count));
  }
  // Harmful and benign weigh alike within each kind of text (requests; statements about
  // groups): otherwise the many neutral statements stand in for benign requests, and every
  // short question about a risky-sounding topic reads as harmful. Requests are balanced
  // within short and long ones too: the benign long ones are mostly coding prompts, and
  // length must not stand in for intent.
  const kind = (example: PromptExample) =>
    STATEMENT_SOURCES.has(example.source)
      ? "statement"
      : example.text.split(/\s+/).length <= SHORT_WORDS
        ? "request-short"
        : "request-long";
  const totals = new Map<string, number>();
  for (const example of examples) {
    const key = `${kind(example)}:${example.harmful}`;
    totals.set(key, (totals.get(key) ?? 0) + (weights.get(example.source) ?? 1));
  }
  const balance = (example: PromptExample) => {
    const mine = totals.get(`${kind(example)}:${example.harmful}`) ?? 1;
    const other = totals.get(`${kind(example)}:${1 - example.harmful}`) ?? mine;
    return (mine + other) / (2 * mine);
  };
  const rows: (TrainingRow & { example: PromptExample; lexicon: number; dev: boolean })[] = examples.map(
    (example) => {
      const risks = lexicalRisks(example.text);
      const labels = new Float32Array(PROMPT_HEADS.length);
      labels[0] = example.harmful;
      DIMENSION_KEYS.forEach((key, index) => {
        labels[index + 1] =
          example.harmful === 0
            ? 0
            : example.dimension === null
              ? Number.NaN
              : example.dimension === key
                ? 1
                : 0;
      });
      return {
        bag: turnBag([example.text], BITS, USER_SALT),
        extras: promptExtras(risks),
        labels,
        weight: (weights.get(example.source) ?? 1) * balance(example),
        example,
        lexicon: Math.max(...risks.map((risk) => risk.score)),
        dev: isDev(example.text),
      };
    },
  );
  const train = rows.filter((row) => !row.dev);
  const dev = rows.filter((row) => row.dev);
  const options = {
    bits: BITS,
    heads: [...PROMPT_HEADS],
    extras: [...PROMPT_EXTRAS],
    epochs: 8,
    learningRate: 0.3,
    l2: 1e-6,
    seed: SEED,
  };
  const fitted = fitLinear(train, options);
  const draft = quantise(fitted, {
    name: "prompt-harm",
    bits: BITS,
    heads: options.heads,
    extras: options.extras,
    thresholds: [],
    trained: {},
  });
  const scores = dev.map((row) => Array.from(linearLogits(draft, row.bag, row.extras), sigmoid));
  const thresholds = PROMPT_HEADS.map((_, head) => {
    const scored = dev.flatMap((row, index) =>
      Number.isNaN(row.labels[head] ?? Number.NaN)
        ? []
        : [{ score: scores[index]?.[head] ?? 0, label: row.labels[head] as 0 | 1 }],
    );
    return bestThreshold(scored);
  });
  const harmfulDev: Scored[] = dev.map((row, index) => ({
    score: scores[index]?.[0] ?? 0,
    label: row.example.harmful,
  }));
  const lexiconDev: Scored[] = dev.map((row) => ({ score: row.lexicon, label: row.example.harmful }));
  const bySource: Record<
    string,
    { n: number; model: Record<string, number>; lexicon: Record<string, number> }
  > = {};
  for (const source of new Set(dev.map((row) => row.example.source))) {
    const pick = (list: Scored[]) => list.filter((_, index) => dev[index]?.example.source === source);
    bySource[source] = {
      n: pick(harmfulDev).length,
      model: summary(at(pick(harmfulDev), thresholds[0] ?? 0.5)),
      lexicon: summary(at(pick(lexiconDev), 0.5)),
    };
  }
  const dimensionRecall: Record<string, number> = {};
  for (const [index, key] of DIMENSION_KEYS.entries()) {
    const positives = dev.filter((row) => row.example.dimension === key);
    const caught = positives.filter((row) => (scores[dev.indexOf(row)]?.[0] ?? 0) >= (thresholds[0] ?? 0.5));
    dimensionRecall[key] = round(positives.length ? caught.length / positives.length : Number.NaN);
    void index;
  }
  const figures = {
    seed: SEED,
    rows: { train: train.length, dev: dev.length },
    devModel: summary(at(harmfulDev, thresholds[0] ?? 0.5)),
    devWordLists: summary(at(lexiconDev, 0.5)),
    devRecallByDimension: dimensionRecall,
    devBySource: bySource,
    thresholds: Object.fromEntries(PROMPT_HEADS.map((head, index) => [head, thresholds[index]])),
  };
  return quantise(fitted, {
    name: "prompt-harm",
    bits: BITS,
    heads: options.heads,
    extras: options.extras,
    thresholds,
    trained: figures,
  });
}

export function summary(figures: Figures) {
  return Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, round(value)]));
}
