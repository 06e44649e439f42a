import type { DimensionWeights } from "./dimension-keys.ts";
import type { TargetClass } from "./target-lexicon.ts";

/**
 * A lexical cue of harm. Weights are log-odds contributions per dimension.
 * - `inherent`: harmful on its own once requested ("synthesise sarin", "write ransomware").
 * - `topic`: a harmful subject that is fine to name or define ("fraud", "terrorism") and only
 *   weighs in when the text commits to it (perpetration, promotion, endorsement, a request).
 * - `act`: an action verb that is harmful when it lands on a target of the listed classes
 *   ("kill" + "my neighbour"), and nearly harmless otherwise ("kill a process").
 */
export interface HarmCue {
  id: string;
  kind: "inherent" | "topic" | "act";
  pattern: RegExp;
  weights: DimensionWeights;
  pairs: readonly CuePair[];
  /** Text right after the match that makes it an idiom ("steal" + " the show"). */
  unless: RegExp | null;
  /** Text right before the match that makes it an idiom ("a can of" + "coke"). */
  unlessBefore: RegExp | null;
}

/** What an act needs to land on, and what it weighs when it does. */
export interface CuePair {
  targets: readonly TargetClass[];
  weights: DimensionWeights;
  /** Where the target may stand: after the verb, or also (or only) before it ("people to shoot"). */
  side: "after" | "before" | "both";
}

interface CueOptions {
  unless?: RegExp;
  unlessBefore?: RegExp;
}

function compile(source: string): RegExp {
  return new RegExp(`\\b(?:${source})\\b`, "g");
}

/** An inherently harmful phrase. */
export function inherent(
  id: string,
  source: string,
  weights: DimensionWeights,
  options: CueOptions = {},
): HarmCue {
  return unpairedCue("inherent", id, source, weights, options);
}

/** A harmful subject that needs commitment to count. */
export function topic(
  id: string,
  source: string,
  weights: DimensionWeights,
  options: CueOptions = {},
): HarmCue {
  return unpairedCue("topic", id, source, weights, options);
}

function unpairedCue(
  kind: "inherent" | "topic",
  id: string,
  source: string,
  weights: DimensionWeights,
  options: CueOptions,
): HarmCue {
  return {
    id,
    kind,
    pattern: compile(source),
    weights,
    pairs: [],
    unless: options.unless ?? null,
    unlessBefore: options.unlessBefore ?? null,
  };
}

/** An action that is harmful when aimed at one of the paired targets. */
export function act(
  id: string,
  source: string,
  weights: DimensionWeights,
  pairs: { targets: TargetClass[]; weights: DimensionWeights; side?: "after" | "before" | "both" }[],
  options: CueOptions = {},
): HarmCue {
  return {
    id,
    kind: "act",
    pattern: compile(source),
    weights,
    pairs: pairs.map((pair) => ({ targets: pair.targets, weights: pair.weights, side: pair.side ?? "both" })),
    unless: options.unless ?? null,
    unlessBefore: options.unlessBefore ?? null,
  };
}
