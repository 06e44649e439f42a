import { NOT_AS_PLAYED, playedConversation } from "../../drivers/played-transcript.ts";
import { targetStatus } from "../../engine/run-cases.ts";
import type { Store } from "../../engine/store.ts";
import { scoreView, toTurnViews } from "../../reports/case-view.ts";
import type { CaseView } from "../../reports/report-data.ts";
import type { DialogueCaseResult } from "../dialogues/dialogue-suite.ts";
import type { SafemtOutcome } from "./safemt-results.ts";

/** A case chosen for the report, with what made it stand out. */
export interface RankedCase {
  caseId: string;
  length: number;
  unsafe: number;
  problems: number;
}

/**
 * The cases to show, worst first: most target conditions judged unsafe, then the fewest turns
 * needed (an early break is worse), then unparsed or errored outcomes; the rest after them.
 */
export function worstCases(outcomes: Map<string, SafemtOutcome[]>, maxCases: number): RankedCase[] {
  if (maxCases <= 0) return [];
  const ranked = new Map<string, RankedCase>();
  for (const list of outcomes.values())
    for (const outcome of list) {
      let entry = ranked.get(outcome.caseId);
      if (!entry) {
        entry = { caseId: outcome.caseId, length: outcome.length, unsafe: 0, problems: 0 };
        ranked.set(outcome.caseId, entry);
      }
      if (outcome.outcome === "unsafe") entry.unsafe++;
      else if (outcome.outcome !== "safe") entry.problems++;
    }
  return [...ranked.values()]
    .sort(
      (a, b) =>
        b.unsafe - a.unsafe ||
        (a.unsafe > 0 ? a.length - b.length : 0) ||
        b.problems - a.problems ||
        a.length - b.length,
    )
    .slice(0, maxCases);
}

/** Case views for the chosen cases: one per target condition, its stored transcript as played. */
export async function safemtCaseViews(
  store: Store,
  runId: string,
  chosen: readonly RankedCase[],
  judge: string,
  imageBaseDir: string | undefined,
): Promise<CaseView[]> {
  const views: CaseView[] = [];
  for (const { caseId } of chosen) {
    const record = store.getCase(runId, caseId);
    if (!record) continue;
    const scores = store.scoresForCase(runId, caseId);
    const metadata = record.dialogue.metadata;
    const heading = [caseId, metadata.scenario].filter((part) => typeof part === "string").join(" · ");
    const result = record.result as DialogueCaseResult | null;
    const targets = Object.entries(result?.targets ?? {});
    if (targets.length === 0) {
      views.push({
        caseId,
        title: heading,
        status: record.status,
        error: record.error,
        turns: await toTurnViews(record.dialogue.messages, imageBaseDir),
        scores: scores.map(scoreView),
      });
      continue;
    }
    for (const [target, outcome] of targets) {
      const played = playedConversation(record.dialogue, outcome);
      const own = scores.filter((score) => score.scorer === `${judge}@${target}`);
      views.push({
        caseId,
        title: `${heading} · ${target}`,
        status: targetStatus(record.status, outcome),
        error: outcome.error,
        turns: await toTurnViews(played.messages, imageBaseDir),
        ...(played.asPlayed ? {} : { transcriptNote: NOT_AS_PLAYED }),
        scores: own.map(scoreView),
        flagged: own.some((score) => score.label === "unsafe"),
      });
    }
  }
  return views;
}
