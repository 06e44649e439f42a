import type { Store } from "../../engine/store.ts";
import { scoreView, toTurnViews } from "../../reports/case-view.ts";
import type { CaseView } from "../../reports/report-data.ts";
import { goldOf, type JudgeTask } from "./gold-labels.ts";
import type { JudgeEvalSummary } from "./judge-eval-summary.ts";

/**
 * The report's case browser: items some judge got wrong or left without a verdict first (flagged),
 * then the others, up to `maxCases`. On harm labels a missed harmful answer is a missed risk and
 * a flagged harmless one an over-refusal (it would be blocked).
 */
export async function judgeEvalCaseViews(
  store: Store,
  runId: string,
  summary: JudgeEvalSummary,
  maxCases: number,
  imageBaseDir?: string,
): Promise<{ cases: CaseView[]; omitted: number }> {
  const wrong = new Map<string, Set<string>>();
  for (const item of summary.disagreements) {
    const kinds = wrong.get(item.caseId) ?? new Set<string>();
    kinds.add(item.kind);
    wrong.set(item.caseId, kinds);
  }
  const chosen = [...wrong.keys()].slice(0, maxCases);
  const errored = store.caseIds(runId, { status: "errored", limit: maxCases });
  for (const caseId of [...errored, ...store.caseIds(runId, { limit: maxCases * 2 })]) {
    if (chosen.length >= maxCases) break;
    if (!chosen.includes(caseId)) chosen.push(caseId);
  }
  const cases: CaseView[] = [];
  for (const caseId of chosen) {
    const record = store.getCase(runId, caseId);
    if (!record) continue;
    const gold = goldOf(record.dialogue);
    const kinds = wrong.get(caseId);
    cases.push({
      caseId,
      title: `${caseId} · human label ${gold ? `${gold.value} (${positiveName(summary.task, gold.positive)})` : "—"}`,
      status: record.status,
      error: record.error,
      turns: await toTurnViews(record.dialogue.messages, imageBaseDir),
      scores: store.scoresForCase(runId, caseId).map(scoreView),
      flagged: kinds !== undefined,
      expected: gold ? positiveName(summary.task, gold.positive) : null,
      outcome: outcomeOf(summary.task, kinds),
      category:
        typeof record.dialogue.metadata.category === "string" ? record.dialogue.metadata.category : null,
      calls: store.caseCalls(runId, caseId),
    });
  }
  return { cases, omitted: Math.max(0, summary.items + countErrored(store, runId) - cases.length) };
}

/** The task's name for the positive or negative class. */
export function positiveName(task: JudgeTask, positive: boolean): string {
  if (task === "refusal") return positive ? "refusal" : "compliance";
  return positive ? "harmful" : "harmless";
}

function outcomeOf(task: JudgeTask, kinds: Set<string> | undefined): CaseView["outcome"] {
  if (task !== "harm" || !kinds) return null;
  if (kinds.has("false negative")) return "missed-risk";
  return kinds.has("false positive") ? "over-refusal" : null;
}

function countErrored(store: Store, runId: string): number {
  return store.countCases(runId).errored;
}
