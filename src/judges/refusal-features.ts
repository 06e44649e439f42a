import {
  addTextFeatures,
  createFeatureBag,
  type FeatureBag,
  namespaceSalt,
} from "../classifiers/hashed-features.ts";
import type { RefusalClassification } from "./refusal-detector.ts";

/**
 * Inputs of the trained refusal classifier, computed the same way when training (train/) and
 * when judging: hashed n-grams of the answer plus the cue detector's reading as dense features
 * (the cue lists inform the model; they no longer decide on their own).
 */
export const REFUSAL_HEADS: readonly string[] = ["refusal"];
export const REFUSAL_EXTRAS: readonly string[] = [
  "cues:refusal",
  "cues:partial",
  "cues:compliance",
  "cues:help",
];

const ANSWER_SALT = namespaceSalt("refusal-answer");

export function refusalInputs(
  answer: string,
  cues: RefusalClassification,
  helpChars: number,
  bits: number,
): { bag: FeatureBag; extras: Float32Array } {
  const bag = createFeatureBag();
  addTextFeatures(answer, ANSWER_SALT, bits, bag, 1);
  const extras = Float32Array.from([
    cues.label === "refusal" ? 1 : 0,
    cues.label === "partial" ? 1 : 0,
    cues.label === "compliance" ? 1 : 0,
    Math.min(1, helpChars / 1000),
  ]);
  return { bag, extras };
}
