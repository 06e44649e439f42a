import {
  addTextFeatures,
  createFeatureBag,
  type FeatureBag,
  namespaceSalt,
} from "../../classifiers/hashed-features.ts";
import type { ReplyStance } from "./assistant-scorer.ts";
import { DIMENSION_KEYS, type DimensionKey } from "./dimension-keys.ts";
import type { DimensionRisk } from "./risk-scorer.ts";
import type { TextAnalysis } from "./text-analysis.ts";

/**
 * The inputs of the guard's trained classifiers, computed the same way when training
 * (train/) and when judging: hashed n-grams of the texts plus the word-list scores as a few
 * dense features (the lexicons inform the model; they no longer decide on their own).
 */

/** Heads of the prompt-harm model: any harm, then one per built-in dimension. */
export const PROMPT_HEADS: readonly string[] = ["harmful", ...DIMENSION_KEYS];
/** Dense inputs of the prompt-harm model: the lexical scorer's score per dimension. */
export const PROMPT_EXTRAS: readonly string[] = DIMENSION_KEYS.map((key) => `lexicon:${key}`);
/** Heads and dense inputs of the answer-harm model. */
export const ANSWER_HEADS: readonly string[] = ["harmful"];
export const ANSWER_EXTRAS: readonly string[] = [
  "stance:compliance",
  "stance:refusal",
  "lexicon:request",
  "lexicon:answer",
  "prompt-model:request",
  "prompt-model:answer",
];

export const USER_SALT = namespaceSalt("user");
export const REQUEST_SALT = namespaceSalt("request");
export const ANSWER_SALT = namespaceSalt("answer");

/** How much an earlier user turn weighs in the bag of a later one (0.5, then x0.85 per turn back). */
export const CONTEXT_WEIGHT = 0.5;
export const CONTEXT_DECAY = 0.85;

/**
 * Hashed features of a user turn read with the turns before it: the turn at full weight, each
 * earlier turn at CONTEXT_WEIGHT x CONTEXT_DECAY^(distance - 1).
 */
export function turnBag(turns: readonly string[], bits: number, salt: number): FeatureBag {
  const bag = createFeatureBag();
  turnWeights(turns.length).forEach((weight, index) => {
    if (weight > 0) addTextFeatures(turns[index] ?? "", salt, bits, bag, weight);
  });
  return bag;
}

/** The weight of each of `count` turns when the last one is read with the others as context. */
export function turnWeights(count: number): number[] {
  return Array.from({ length: count }, (_, index) => turnWeight(count - 1 - index));
}

/** The weight of a turn `back` turns before the one being read (0 for itself): 1, then 0.5 x 0.85^(back-1), 0 below 0.1. */
export function turnWeight(back: number): number {
  const weight = back === 0 ? 1 : CONTEXT_WEIGHT * CONTEXT_DECAY ** (back - 1);
  return weight < 0.1 ? 0 : weight;
}

/** The lexical scorer's per-dimension scores as the prompt model's dense inputs. */
export function promptExtras(
  risks: ReadonlyMap<DimensionKey, DimensionRisk> | readonly DimensionRisk[],
): Float32Array {
  const byKey =
    risks instanceof Map
      ? risks
      : new Map([...(risks as readonly DimensionRisk[])].map((risk) => [risk.key, risk]));
  return Float32Array.from(DIMENSION_KEYS, (key) => byKey.get(key)?.score ?? 0);
}

/** Strongest own harm-cue weight in a text, scaled to about [0, 1]. */
export function ownCueStrength(analysis: TextAnalysis): number {
  let strongest = 0;
  for (const match of analysis.cues)
    for (const weight of Object.values(match.weights)) strongest = Math.max(strongest, weight ?? 0);
  return Math.min(1, strongest / 5);
}

/** Features of an answer given the user turns up to the one it answers. */
export function answerInputs(
  requestTurns: readonly string[],
  answer: string,
  bits: number,
  stance: ReplyStance,
  requestRisk: number,
  answerCues: number,
  /** The prompt-harm model's probability for the request and for the answer read as a request. */
  promptModel: { request: number; answer: number },
): { bag: FeatureBag; extras: Float32Array } {
  const bag = requestTurns.length > 0 ? turnBag(requestTurns, bits, REQUEST_SALT) : createFeatureBag();
  addTextFeatures(answer, ANSWER_SALT, bits, bag, 1);
  return {
    bag,
    extras: Float32Array.from([
      stance.compliance,
      stance.refusal,
      requestRisk,
      answerCues,
      promptModel.request,
      promptModel.answer,
    ]),
  };
}
