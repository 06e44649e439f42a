import type { ModelCaller } from "../contracts/index.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { ConfigError } from "../errors.ts";
import type { ModerationResult, Moderator, Policy } from "./moderator.ts";

/** How a cascade decides when its first moderator is unsure. */
export interface CascadeOptions {
  /** The cheap moderator asked first (the local guard). */
  first: Moderator;
  /** The moderator asked when the first is unsure (usually a model backend). */
  fallback: Moderator;
  /** A side score in [lower, upper] is uncertain and escalates. */
  lower: number;
  upper: number;
  /**
   * Escalate too when the first result reports a `confidence` below this (the local guard
   * does, e.g. for custom dimensions it cannot score or images it could not read). Default 0.
   */
  minConfidence?: number;
}

/** A cascade's result: the deciding moderator's result, with who decided and why. */
export interface CascadeResult extends ModerationResult {
  /** The name of the moderator whose result this is. */
  decidedBy: string;
  escalated: boolean;
  /** Why the cascade escalated, or why it did not. */
  reason: string;
}

/** Counts of a cascade's decisions; `saved` is how many fallback calls it did not make. */
export interface CascadeStats {
  total: number;
  escalated: number;
  saved: number;
}

/** A moderator that asks a cheap one first and a model only when the cheap one is unsure. */
export interface CascadeModerator extends Moderator {
  moderate(dialogue: Dialogue, policy: Policy, caller: ModelCaller): Promise<CascadeResult>;
  stats(): CascadeStats;
}

/**
 * Cascade (issue 4, backend 6): the first moderator decides when it is sure; when any side's
 * score lies between `lower` and `upper`, when a side has no score, when its status is not ok,
 * or when it reports low confidence, the whole dialogue goes to the fallback, whose result is
 * returned as it is (errored and unparsed included: they are never read as safe).
 */
export function createCascadeModerator(options: CascadeOptions): CascadeModerator {
  const { first, fallback, lower, upper } = options;
  const minConfidence = options.minConfidence ?? 0;
  if (!(lower >= 0 && upper <= 1 && lower <= upper))
    throw new ConfigError(
      `cascade thresholds need 0 <= lower <= upper <= 1 (got lower ${lower}, upper ${upper})`,
    );
  if (!(minConfidence >= 0 && minConfidence <= 1))
    throw new ConfigError(`cascade minConfidence must be in [0, 1] (got ${minConfidence})`);
  let total = 0;
  let escalated = 0;
  return {
    name: `cascade(${first.name}->${fallback.name})`,
    target: fallback.target,
    async warmUp() {
      await Promise.all([first.warmUp?.(), fallback.warmUp?.()]);
    },
    async moderate(dialogue, policy, caller) {
      total++;
      const result = await first.moderate(dialogue, policy, caller);
      const reason = uncertainty(result, lower, upper, minConfidence);
      if (reason === null)
        return {
          ...result,
          decidedBy: first.name,
          escalated: false,
          reason: `${first.name} was sure (scores outside [${lower}, ${upper}])`,
        };
      escalated++;
      const decided = await fallback.moderate(dialogue, policy, caller);
      return { ...decided, decidedBy: fallback.name, escalated: true, reason: `${first.name}: ${reason}` };
    },
    stats: () => ({ total, escalated, saved: total - escalated }),
  };
}

// Why the first result is not good enough to stand on its own, or null when it is.
function uncertainty(
  result: ModerationResult,
  lower: number,
  upper: number,
  minConfidence: number,
): string | null {
  if (result.status !== "ok") return `status ${result.status}${result.error ? ` (${result.error})` : ""}`;
  for (const side of ["user", "assistant"] as const) {
    const verdict = result[side];
    if (!verdict) continue;
    if (verdict.score === undefined) return `${side} side has no score`;
    if (verdict.score >= lower && verdict.score <= upper)
      return `${side} side score ${verdict.score} is uncertain (between ${lower} and ${upper})`;
  }
  const confidence = (result as { confidence?: unknown }).confidence;
  if (typeof confidence === "number" && confidence < minConfidence)
    return `confidence ${confidence} is below ${minConfidence}`;
  return null;
}
