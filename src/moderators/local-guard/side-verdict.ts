import type { Verdict } from "../moderator.ts";
import { DIMENSION_NAMES, type DimensionKey, type ListedDimension } from "./dimension-keys.ts";
import type { DimensionRisk, EvidenceLine } from "./risk-scorer.ts";

/** How evidence positions are named in a rationale. */
export interface Citation {
  /** "turn N" for a message index (N counts user and assistant messages, from 1). */
  turnOf(messageIndex: number): number;
}

/** A side's verdict together with how sure the guard is of it. */
export interface ScoredVerdict {
  verdict: Verdict;
  /** 1 when the score is far from the threshold, 0 when it sits on it. */
  confidence: number;
}

/**
 * Turns the per-dimension risks of one side into a verdict. Only dimensions the policy lists
 * can make it unsafe; strong evidence for an omitted dimension is mentioned, not counted.
 */
export function sideVerdict(
  side: "user" | "assistant",
  risks: readonly DimensionRisk[],
  listed: readonly ListedDimension[],
  threshold: number,
  citation: Citation,
): ScoredVerdict {
  const listedKeys = new Map<DimensionKey, string>();
  for (const dimension of listed) if (dimension.key) listedKeys.set(dimension.key, dimension.name);
  const inPolicy = risks
    .filter((risk) => listedKeys.has(risk.key))
    .sort((left, right) => right.score - left.score);
  const top = inPolicy[0];
  const notes: string[] = [];
  const custom = listed
    .filter((dimension) => dimension.key === null)
    .map((dimension) => `"${dimension.name}"`);
  if (custom.length > 0)
    notes.push(
      `no local scorer for custom dimension${custom.length > 1 ? "s" : ""} ${custom.join(", ")}: not assessed`,
    );
  for (const risk of risks)
    if (!listedKeys.has(risk.key) && risk.score >= threshold)
      notes.push(
        `${DIMENSION_NAMES[risk.key]} scored ${risk.score.toFixed(2)} but is not in the policy, so it does not count`,
      );
  if (!top) {
    return {
      verdict: {
        rating: "safe",
        dimension: null,
        rationale: `Safe (${side} side): the policy lists no dimension the local guard can score. ${notes.join("; ")}.`,
        evidence: { messages: [], images: [] },
        score: 0,
      },
      confidence: 0,
    };
  }
  const unsafe = top.score >= threshold;
  const name = listedKeys.get(top.key) ?? DIMENSION_NAMES[top.key];
  const lines = top.evidence.map((line) => cite(line, citation));
  const runnerUp = inPolicy[1];
  const parts = [
    unsafe
      ? `Unsafe (${side} side): ${name} scored ${top.score.toFixed(2)} (threshold ${threshold}).`
      : `Safe (${side} side): highest risk ${name} at ${top.score.toFixed(2)}, below the threshold ${threshold}.`,
    lines.length > 0 ? `Evidence: ${lines.join("; ")}.` : "No harm cues found.",
  ];
  if (runnerUp && runnerUp.score >= 0.2)
    parts.push(`Next: ${listedKeys.get(runnerUp.key)} ${runnerUp.score.toFixed(2)}.`);
  if (notes.length > 0) parts.push(`Notes: ${notes.join("; ")}.`);
  const messages = [...new Set(top.evidence.map((line) => line.messageIndex))].sort((a, b) => a - b);
  const images = [
    ...new Set(top.evidence.map((line) => line.image).filter((image): image is number => image !== null)),
  ].sort((a, b) => a - b);
  return {
    verdict: {
      rating: unsafe ? "unsafe" : "safe",
      dimension: unsafe ? name : null,
      rationale: parts.join(" "),
      evidence: unsafe || lines.length > 0 ? { messages, images } : { messages: [], images: [] },
      score: round(top.score),
    },
    confidence:
      custom.length > 0 ? Math.min(0.25, distance(top.score, threshold)) : distance(top.score, threshold),
  };
}

function cite(line: EvidenceLine, citation: Citation): string {
  const where = `turn ${citation.turnOf(line.messageIndex)}`;
  return line.image === null
    ? `${where} ${line.text}`
    : `${where} Image${line.image} (read from the image) ${line.text}`;
}

// Distance from the threshold, scaled so both ends of the score range give 1.
function distance(score: number, threshold: number): number {
  const span = score >= threshold ? 1 - threshold : threshold;
  return span <= 0 ? 1 : Math.min(1, Math.abs(score - threshold) / span);
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
