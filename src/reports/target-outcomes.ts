import type { TargetOutcomeCount } from "../engine/store.ts";
import type { ReportData } from "./report-data.ts";

/** "3 done, 2 errored (reason ×2; ...)": one target's outcome over the run's finished cases. */
export function describeTargetOutcome(outcome: TargetOutcomeCount): string {
  const reasons = outcome.reasons.map(
    (reason) => `${reason.error}${reason.count > 1 ? ` ×${reason.count}` : ""}`,
  );
  return `${outcome.done} done, ${outcome.errored} errored${reasons.length ? ` (${reasons.join("; ")})` : ""}`;
}

/** One headline figure per target: its done cases of all, and its failures with their reasons. */
export function targetOutcomeHeadlines(
  outcomes: TargetOutcomeCount[],
  cases: number,
): ReportData["headline"] {
  return outcomes.map((outcome) => ({
    label: `cases · ${outcome.target}`,
    value: `${outcome.done} done / ${cases}`,
    note: outcome.errored ? describeTargetOutcome(outcome) : undefined,
  }));
}
