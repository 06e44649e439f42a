import { CancelledError, describeError } from "../../errors.ts";
import type { ModerationResult, Verdict } from "../moderator.ts";

/** The outcome of reviewing one side with one or more model calls. */
export type SideOutcome =
  | { kind: "none" }
  | { kind: "verdict"; verdict: Verdict; raw: string }
  | { kind: "unparsed"; raw: string; reason: string }
  | { kind: "errored"; error: string; raw: string | null };

/** Rethrows cancellation (a stopped run must stop), and turns any other failure into an errored side. */
export function sideError(error: unknown): SideOutcome {
  if (error instanceof CancelledError) throw error;
  return { kind: "errored", error: describeError(error), raw: null };
}

/**
 * Combines per-side outcomes of backends that review the sides in separate calls. Errored wins
 * over unparsed, which wins over ok; a failed side is null in the result and never safe, while
 * the other side's verdict is kept. Raw outputs are kept as a JSON object keyed by side.
 */
export function combineSides(user: SideOutcome, assistant: SideOutcome): ModerationResult {
  const raws: Record<string, string> = {};
  const errors: string[] = [];
  let status: ModerationResult["status"] = "ok";
  for (const [side, outcome] of [
    ["user", user],
    ["assistant", assistant],
  ] as const) {
    if (outcome.kind === "none") continue;
    if (outcome.raw !== null) raws[side] = outcome.raw;
    if (outcome.kind === "errored") {
      status = "errored";
      errors.push(`${side} side: ${outcome.error}`);
    } else if (outcome.kind === "unparsed") {
      if (status === "ok") status = "unparsed";
      errors.push(`${side} side: ${outcome.reason}`);
    }
  }
  const verdictOf = (outcome: SideOutcome) => (outcome.kind === "verdict" ? outcome.verdict : null);
  return {
    status,
    user: verdictOf(user),
    assistant: verdictOf(assistant),
    raw: Object.keys(raws).length > 0 ? JSON.stringify(raws) : null,
    error: errors.length > 0 ? errors.join("; ") : null,
  };
}
