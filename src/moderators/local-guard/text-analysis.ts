import { BODILY_HARM_CUES } from "./bodily-harm-lexicon.ts";
import { CONDUCT_CUES } from "./conduct-lexicon.ts";

import type { DimensionKey, DimensionWeights } from "./dimension-keys.ts";
import { type FramingHit, findFramings } from "./framing-lexicon.ts";
import type { CuePair, HarmCue } from "./harm-cue.ts";
import { buildPatternIndex, matchesAt } from "./pattern-index.ts";
import { SOCIAL_CUES } from "./social-lexicon.ts";
import { findTargets, OWN_PROPERTY, type TargetClass, type TargetHit } from "./target-lexicon.ts";

/** A cue found in a text, with what it weighs once paired with a target in the same text. */
export interface CueMatch {
  cue: HarmCue;
  text: string;
  /** Effective weights: the cue's own plus its pair's, when paired. */
  weights: DimensionWeights;
  /** The target the cue landed on, if any. */
  target: string | null;
}

/** Everything the scorer needs to know about one piece of text. */
export interface TextAnalysis {
  cues: CueMatch[];
  /** Acts that found no target here; a later or earlier turn may supply one. */
  openActs: CueMatch[];
  targets: TargetHit[];
  framings: FramingHit[];
}

export const ALL_CUES: readonly HarmCue[] = [...BODILY_HARM_CUES, ...CONDUCT_CUES, ...SOCIAL_CUES];
const CUE_INDEX = buildPatternIndex(ALL_CUES);

const MAX_MATCHES_PER_CUE = 4;
const AFTER_WINDOW = 48;
const BEFORE_WINDOW = 40;
const PRONOUN_WINDOW = 14;
const BOUNDARY = /[.!?;]/;
const RELATIVE = /\bwho\b|\b(?:that|which) [a-z]+s\b/;
// "poison-proof", "bomb-resistant": the harm word names what is guarded against.
const IDIOM_SUFFIX = /^-(?:proof|free|resistant|safe)\b/;
const DIRECT_GAP =
  /^ ?(?:(?:a|an|the|my|his|her|their|our|your|this|that|these|those|some|entire|whole|local|crowded|nearby|busy|packed|old|new|big|small|public|government|in|of|inside|into|near|outside|[a-z]+'s|[a-z]+s') )*$/;

// Letters hidden as digits or symbols inside a word ("b0mb", "h@ck") read as letters.
const LOOKALIKES: Record<string, string> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "@": "a",
  $: "s",
};

/**
 * Lowercases and unifies quotes, spaces and look-alike characters without changing the
 * text's length, so positions found in the normalised text hold in the original.
 */
export function normaliseText(text: string): string {
  const lowered = text.toLowerCase();
  const base = lowered.length === text.length ? lowered : text;
  return base
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s/g, " ")
    .replace(/(?<=[a-z])[013457@$](?=[a-z])/g, (character) => LOOKALIKES[character] ?? character);
}

// A fictional title at the end of a third-person question: "... in Mission Impossible?".
const TITLE_TAIL = /\b(?:in|from) (?:the )?[A-Z][\w'’]*(?: (?:[A-Z0-9][\w'’]*|of|the|and|&))*\s*[?.!]*\s*$/;
const THIRD_PERSON =
  /\b(?:did|do|does) (?:they|he|she|[A-Z][a-z]+)\b|\b(?:How|Why|What) (?:does|did) (?!I\b)/;

/** Finds the harm cues, targets and framings of one text. */
export function analyseText(original: string): TextAnalysis {
  const normalised = normaliseText(original);
  const targets = findTargets(normalised, normalised.length === original.length ? original : normalised);
  const framings = findFramings(normalised);
  if (TITLE_TAIL.test(original) && THIRD_PERSON.test(original)) {
    const title = TITLE_TAIL.exec(original)?.[0].trim() ?? "";
    framings.push({ kind: "fiction", text: title, weight: 3.5 });
  }
  const cues: CueMatch[] = [];
  const openActs: CueMatch[] = [];
  const ownProperty = OWN_PROPERTY.test(normalised);
  for (const { item: cue, sticky, starts } of CUE_INDEX.candidates(normalised)) {
    let count = 0;
    let best: CueMatch | null = null;
    let open: CueMatch | null = null;
    for (const match of matchesAt(normalised, cue.pattern, sticky, starts)) {
      if (++count > MAX_MATCHES_PER_CUE) break;
      const start = match.index;
      const end = start + match[0].length;
      const after = normalised.slice(end, end + 60);
      if (IDIOM_SUFFIX.test(after) || cue.unless?.test(after)) continue;
      if (cue.unlessBefore?.test(normalised.slice(Math.max(0, start - 30), start))) continue;
      const found = pairCue(cue, match[0], start, end, normalised, targets, ownProperty);
      if (cue.kind === "act" && found.target === null) {
        open ??= found;
        if (Object.keys(cue.weights).length === 0) continue;
      }
      if (best === null || strongest(found.weights) > strongest(best.weights)) best = found;
    }
    if (best) cues.push(best);
    if (open && (best === null || best.target === null)) openActs.push(open);
  }
  return { cues, openActs, targets, framings };
}

function pairCue(
  cue: HarmCue,
  text: string,
  start: number,
  end: number,
  normalised: string,
  targets: readonly TargetHit[],
  ownProperty: boolean,
): CueMatch {
  let bestWeights: DimensionWeights = cue.weights;
  let bestTarget: string | null = null;
  for (const pair of cue.pairs) {
    const target = targets.find(
      (hit) =>
        pair.targets.includes(hit.target) &&
        !(ownProperty && (hit.target === "venue" || hit.target === "property")) &&
        lands(hit, start, end, pair.side, normalised),
    );
    if (!target) continue;
    const combined = addWeights(cue.weights, pair.weights);
    if (strongest(combined) > strongest(bestWeights) || bestTarget === null) {
      bestWeights = combined;
      bestTarget = target.text;
    }
  }
  return { cue, text, weights: bestWeights, target: bestTarget };
}

// Whether a target sits close enough to the act, in the same sentence, to be what it acts on.
// Places and names must be the act's direct object ("bomb my school", not "bomb the test at school").
function lands(
  hit: TargetHit,
  start: number,
  end: number,
  side: CuePair["side"],
  normalised: string,
): boolean {
  const direct = hit.target === "venue" || hit.target === "named";
  if (hit.start < end && hit.end > start) return hit.target !== "named";
  if (side !== "before" && hit.start >= end) {
    const gap = normalised.slice(end, hit.start);
    if (direct) return DIRECT_GAP.test(gap);
    const window = hit.target === "pronoun" ? PRONOUN_WINDOW : AFTER_WINDOW;
    return gap.length <= window && !BOUNDARY.test(gap);
  }
  if (side !== "after" && hit.target !== "pronoun" && hit.end <= start && start - hit.end <= BEFORE_WINDOW) {
    // "a toddler who hits other kids": the target before the act is its subject, not its object.
    const gap = normalised.slice(hit.end, start);
    return !BOUNDARY.test(gap) && !RELATIVE.test(gap);
  }
  return false;
}

/** The largest weight in a set of dimension weights. */
export function strongest(weights: DimensionWeights): number {
  let max = 0;
  for (const value of Object.values(weights)) if (value !== undefined && value > max) max = value;
  return max;
}

/** Adds two sets of weights dimension by dimension. */
export function addWeights(left: DimensionWeights, right: DimensionWeights): DimensionWeights {
  const sum: DimensionWeights = { ...left };
  for (const [key, value] of Object.entries(right) as [DimensionKey, number][])
    sum[key] = (sum[key] ?? 0) + value;
  return sum;
}

/** Whether any target of the given classes is present. */
export function hasTarget(
  targets: readonly TargetHit[],
  classes: readonly TargetClass[],
): TargetHit | undefined {
  return targets.find((hit) => classes.includes(hit.target));
}
