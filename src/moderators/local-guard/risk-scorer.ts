import { benignContext, type Distancing } from "./benign-context.ts";
import type { DimensionKey, DimensionWeights } from "./dimension-keys.ts";
import type { FramingHit, FramingKind } from "./framing-lexicon.ts";
import type { TargetHit } from "./target-lexicon.ts";
import type { CueMatch, TextAnalysis } from "./text-analysis.ts";
import { pairAcrossTurns, refreshImages } from "./turn-links.ts";

/** Where a piece of evidence comes from: a message and, for OCR text or nudity, an image. */
export interface EvidenceSource {
  messageIndex: number;
  /** 1-based cumulative image number, or null for the message's own text. */
  image: number | null;
}

/** One analysed piece of a user turn: its text, or the OCR text of one of its images. */
export interface Segment {
  image: number | null;
  analysis: TextAnalysis;
}

/** Evidence read off an image by a classifier (nudity), already weighed per dimension. */
export interface ImageCue {
  image: number;
  weights: DimensionWeights;
  label: string;
}

/** A user turn as the scorer sees it. */
export interface UserTurn {
  messageIndex: number;
  segments: Segment[];
  imageCues: ImageCue[];
}

/** A line of evidence for a verdict's rationale. */
export interface EvidenceLine extends EvidenceSource {
  text: string;
}

/** The risk of one dimension over the turns read so far. */
export interface DimensionRisk {
  key: DimensionKey;
  logit: number;
  score: number;
  /** Index (into the turns) where the risk peaked. */
  peakTurn: number;
  evidence: EvidenceLine[];
}

/** A weighed piece of evidence from one turn. */
export interface Item extends EvidenceSource {
  turn: number;
  /** Where the other half of a cross-turn pair lies. */
  linked?: EvidenceLine;
  id: string;
  label: string;
  weights: DimensionWeights;
  committable: boolean;
  denialTarget: boolean;
}

/** A framing cue with where it was found. */
export interface Framing extends EvidenceSource {
  turn: number;
  hit: FramingHit;
}

const BIAS = -4;
const DECAY = 0.85;
// Stated intent and opportunity ("I hate him", "he is away") hold longer than wording.
const INTENT_DECAY = 0.95;
const PERSISTENT: ReadonlySet<FramingKind> = new Set(["malice", "opportunity"]);
const CORROBORATION = 0.35;
const MAX_CORROBORATION = 1.5;
const SPLIT_BONUS = 0.3;
const MODIFIERS: readonly FramingKind[] = ["request", "evasion", "operational", "malice"];
const COMMITMENTS: readonly FramingKind[] = [
  "perpetration",
  "production",
  "promotion",
  "endorsement",
  "replication",
];

/** A target found in some turn. */
export interface PlacedTarget {
  hit: TargetHit;
  turn: number;
  source: EvidenceSource;
}

/** An act that found no target in its own text. */
export interface OpenAct {
  match: CueMatch;
  turn: number;
  source: EvidenceSource;
}

/** Converts log-odds to a probability-like score. */
export function logistic(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

/**
 * Scores each dimension over the user turns, reading them together: cues from earlier turns
 * stay in play (decaying by turn), an action in a later turn can land on a target named
 * earlier when the later turn refers back ("that lock", "him"), a reference to an image brings
 * its evidence back at full strength, and evidence spread over several turns adds up. The
 * side's risk is its peak over the conversation.
 */
export function scoreUserTurns(
  turns: readonly UserTurn[],
  keys: readonly DimensionKey[],
): { final: DimensionRisk[]; byTurn: Map<DimensionKey, DimensionRisk>[] } {
  const items: Item[] = [];
  const framings: Framing[] = [];
  const targets: PlacedTarget[] = [];
  const openActs: OpenAct[] = [];
  const best = new Map<DimensionKey, DimensionRisk>();
  // Whether each turn stays on the conversation's subject (names a target, a cue, or refers
  // back); a request in a turn that changes the subject does not attach to earlier cues.
  const continues: boolean[] = [];
  const byTurn: Map<DimensionKey, DimensionRisk>[] = [];
  turns.forEach((turn, index) => {
    const before = items.length;
    const turnFramings = collectTurn(turn, index, items, framings, targets, openActs);
    continues.push(
      items.length > before ||
        targets.some((target) => target.turn === index) ||
        turnFramings.some((framing) => framing.kind === "anaphora" || framing.kind === "imageReference"),
    );
    pairAcrossTurns(index, turnFramings, items, targets, openActs);
    if (turnFramings.some((framing) => framing.kind === "imageReference")) refreshImages(index, items);
    for (const key of keys) {
      const risk = scoreDimension(key, index, items, framings, continues);
      const previous = best.get(key);
      if (!previous || risk.logit > previous.logit) best.set(key, risk);
    }
    byTurn.push(new Map(best));
  });
  const final = keys.map(
    (key) => best.get(key) ?? { key, logit: BIAS, score: logistic(BIAS), peakTurn: 0, evidence: [] },
  );
  return { final, byTurn };
}

function collectTurn(
  turn: UserTurn,
  index: number,
  items: Item[],
  framings: Framing[],
  targets: PlacedTarget[],
  openActs: OpenAct[],
): FramingHit[] {
  const turnFramings: FramingHit[] = [];
  for (const segment of turn.segments) {
    const source = { messageIndex: turn.messageIndex, image: segment.image };
    for (const match of segment.analysis.cues) items.push(itemOf(match, index, source));
    for (const hit of segment.analysis.framings) {
      framings.push({ ...source, turn: index, hit });
      turnFramings.push(hit);
    }
    for (const hit of segment.analysis.targets) targets.push({ hit, turn: index, source });
    for (const match of segment.analysis.openActs) openActs.push({ match, turn: index, source });
  }
  for (const cue of turn.imageCues)
    items.push({
      messageIndex: turn.messageIndex,
      image: cue.image,
      turn: index,
      id: `image:${cue.image}`,
      label: cue.label,
      weights: cue.weights,
      committable: false,
      denialTarget: false,
    });
  return turnFramings;
}

function itemOf(match: CueMatch, turn: number, source: EvidenceSource): Item {
  const quoted = `"${match.text}"${match.target ? ` aimed at "${match.target}"` : ""}`;
  return {
    ...source,
    turn,
    id: match.cue.id,
    label: quoted,
    weights: match.weights,
    committable: match.cue.kind === "topic" || match.target !== null,
    denialTarget: match.cue.id === "hate.atrocity" || match.cue.id.startsWith("deception."),
  };
}

function scoreDimension(
  key: DimensionKey,
  index: number,
  items: readonly Item[],
  framings: readonly Framing[],
  continues: readonly boolean[],
): DimensionRisk {
  const live = framings.filter((framing) => framing.turn <= index);
  const strength = (kind: FramingKind, anchor?: number): { weight: number; framing: Framing | null } => {
    let top: { weight: number; framing: Framing | null } = { weight: 0, framing: null };
    for (const framing of live) {
      if (framing.hit.kind !== kind) continue;
      if (anchor !== undefined && framing.turn !== anchor && !continues[Math.max(anchor, framing.turn)])
        continue;
      const decay = PERSISTENT.has(kind) ? INTENT_DECAY : DECAY;
      const weight = framing.hit.weight * decay ** (index - framing.turn);
      if (weight > top.weight) top = { weight, framing };
    }
    return top;
  };
  // "Write a post about fraud" discusses fraud; "write a fraud script" produces it.
  const discussed = live.some((framing) => framing.turn === index && framing.hit.kind === "discussion");
  const commitment = Math.max(
    ...COMMITMENTS.map((kind) => (kind === "production" && discussed ? 0 : strength(kind).weight)),
  );
  const denial = strength("denial").weight;
  const contexts = new Map<number, Distancing>();
  const used: Framing[] = [];
  const valued: { item: Item; value: number }[] = [];
  for (const item of items) {
    if (item.turn > index) continue;
    const base = item.weights[key] ?? 0;
    let value = base > 0 ? base + (item.committable ? commitment : 0) : 0;
    if (key === "deception" && item.denialTarget && denial > 0)
      value = Math.max(value, Math.max(...Object.values(item.weights)) + denial);
    if (value <= 0) continue;
    let context = contexts.get(item.turn);
    if (!context) {
      context = benignContext(key, item.turn, index, live);
      contexts.set(item.turn, context);
    }
    const net = value * DECAY ** (index - item.turn) - context.weight;
    if (context.framing && !used.includes(context.framing)) used.push(context.framing);
    if (net > 0) valued.push({ item, value: net });
  }
  if (valued.length === 0) return { key, logit: BIAS, score: logistic(BIAS), peakTurn: index, evidence: [] };
  valued.sort((left, right) => right.value - left.value);
  const seen = new Set<string>();
  const distinct = valued.filter(({ item }) => !seen.has(item.id) && seen.add(item.id));
  const [top, ...rest] = distinct;
  const core = top?.value ?? 0;
  const corroboration = Math.min(
    MAX_CORROBORATION,
    CORROBORATION * rest.reduce((sum, entry) => sum + entry.value, 0),
  );
  const turnsInvolved = new Set(
    distinct.filter((entry) => entry.value >= 0.5).map((entry) => entry.item.turn),
  );
  const split = SPLIT_BONUS * Math.min(3, turnsInvolved.size - 1);
  let modifiers = 0;
  const anchor = top?.item.turn ?? index;
  for (const kind of key === "illegal" || key === "violence"
    ? [...MODIFIERS, "opportunity" as const]
    : MODIFIERS) {
    const found = strength(kind, anchor);
    if (found.framing) {
      modifiers += kind === "request" ? 1.5 * found.weight : found.weight;
      used.unshift(found.framing);
    }
  }
  const logit = BIAS + core + corroboration + split + modifiers;
  if (top?.item.image !== null) {
    const reference = live.find(
      (framing) => framing.hit.kind === "imageReference" && framing.turn === anchor,
    );
    if (reference) used.unshift(reference);
  }
  const evidence: EvidenceLine[] = [];
  for (const { item } of distinct.filter((entry) => entry.value >= 0.4).slice(0, 6)) {
    evidence.push({ messageIndex: item.messageIndex, image: item.image, text: item.label });
    if (item.linked) evidence.push(item.linked);
  }
  for (const framing of used.reverse())
    evidence.push({
      messageIndex: framing.messageIndex,
      image: framing.image,
      text: describeFraming(framing.hit),
    });
  return { key, logit, score: logistic(logit), peakTurn: index, evidence };
}

function describeFraming(hit: FramingHit): string {
  const names: Partial<Record<FramingKind, string>> = {
    request: "actionable request",
    evasion: "evasion",
    operational: "operational detail",
    malice: "stated malice",
    imageReference: "refers back to the image:",
    opportunity: "opportunity",
  };
  const name = names[hit.kind] ?? `benign context (${hit.kind})`;
  if (hit.kind === "imageReference") return `${name} "${hit.text}"`;
  return `${name} "${hit.text}"`;
}
