import type { Store } from "../../engine/store.ts";
import { toTurnViews } from "../../reports/case-view.ts";
import type { CaseView } from "../../reports/report-data.ts";
import { caseField } from "../dialogues/dialogue-case-views.ts";
import { labelsOf } from "./moderation-labels.ts";
import { predictionOf } from "./moderation-metrics.ts";
import { SIDES } from "./moderation-summary.ts";
import type { ModerationCaseResult } from "./run-moderation-eval.ts";

/**
 * Where a moderator went against the gold label: an unsafe side rated safe is a missed risk; a
 * safe side rated unsafe is over-flagging, marked as over-refusal (it would block a benign turn).
 */
export function moderationOutcome(
  labels: ReturnType<typeof labelsOf>,
  result: ModerationCaseResult | null,
): CaseView["outcome"] {
  let over = false;
  for (const outcome of Object.values(result?.moderators ?? {}))
    for (const side of SIDES) {
      const gold = labels[side];
      if (!gold) continue;
      const predicted = predictionOf(outcome.result, side).kind;
      if (gold.rating === "unsafe" && predicted === "safe") return "missed-risk";
      if (gold.rating === "safe" && predicted === "unsafe") over = true;
    }
  return over ? "over-refusal" : null;
}

/** Cases where some moderator disagreed with the gold label or gave no verdict, then the rest. */
export async function disagreements(
  store: Store,
  runId: string,
  maxCases: number,
): Promise<{ cases: CaseView[]; omitted: number }> {
  const picked: string[] = [];
  const others: string[] = [];
  let total = 0;
  for (const record of store.iterateCases(runId)) {
    total++;
    const result = record.result as ModerationCaseResult | null;
    const labels = labelsOf(record.dialogue);
    const wrong =
      record.status !== "done" ||
      Object.values(result?.moderators ?? {}).some((outcome) =>
        SIDES.some((side) => {
          const gold = labels[side];
          if (!gold) return false;
          const predicted = predictionOf(outcome.result, side);
          return predicted.kind !== gold.rating;
        }),
      );
    if (wrong && picked.length < maxCases) picked.push(record.caseId);
    else if (!wrong && others.length < maxCases) others.push(record.caseId);
  }
  const chosen = [...picked, ...others].slice(0, maxCases);
  const cases: CaseView[] = [];
  for (const caseId of chosen) {
    const record = store.getCase(runId, caseId);
    if (!record) continue;
    const labels = labelsOf(record.dialogue);
    const gold = SIDES.map(
      (side) =>
        `${side}: ${labels[side] ? `${labels[side].rating}${labels[side].dimension ? ` (${labels[side].dimension})` : ""}` : "—"}`,
    ).join(", ");
    const result = record.result as ModerationCaseResult | null;
    cases.push({
      caseId,
      title: `${caseId} · gold ${gold}`,
      expected:
        SIDES.flatMap((side) => (labels[side] ? [`${side} ${labels[side].rating}`] : [])).join(", ") || null,
      outcome: moderationOutcome(labels, result),
      category: caseField(record.dialogue, "category"),
      calls: store.caseCalls(runId, caseId),
      status: record.status,
      error: record.error,
      turns: await toTurnViews(record.dialogue.messages, undefined),
      scores: store.scoresForCase(runId, caseId).map((score) => ({
        scorer: score.scorer,
        status: score.status,
        label: score.label,
        value: score.value,
        explanation: score.explanation,
      })),
      flagged: picked.includes(caseId),
    });
  }
  return { cases, omitted: Math.max(0, total - cases.length) };
}
