import type { RunSessionOutcome } from "../../engine/run-session.ts";

/** Above this share of unparsed or errored scores, a run's figures are not usable. */
const UNUSABLE_SCORE_SHARE = 0.5;

/**
 * Why a finished run's results cannot be used, or null: no case was played at all, or most of its
 * scores are unparsed or errored (a judge or target that does not answer as asked).
 */
export function unusableRun(outcome: Pick<RunSessionOutcome, "counts" | "scores">): string | null {
  const { counts, scores } = outcome;
  if (counts.done + counts.errored === 0)
    return `no case was played (${counts.pending} pending): this run has no results. Check the data (missing images skipped? a --limit of 0? an empty split?)`;
  const total = scores.ok + scores.unparsed + scores.errored;
  const failed = scores.unparsed + scores.errored;
  if (total > 0 && failed / total > UNUSABLE_SCORE_SHARE)
    return `${failed} of ${total} scores (${Math.round((failed / total) * 100)}%) are unparsed (${scores.unparsed}) or errored (${scores.errored}): this run's figures are not usable. Check that the judge and targets answer in the format asked (see the report's raw outputs)`;
  return null;
}
