import type { CaseRecord } from "../../engine/store.ts";
import type { ExportUnits } from "../../reports/export-rows.ts";
import type { Am3CaseResult } from "./synthesis-plan.ts";

/** AM3 synthesis: one export row per seed and assistant (a dropped seed: one row naming why). */
export const am3Units: ExportUnits = (record: CaseRecord) => {
  const result = record.result as Am3CaseResult | null;
  if (!result) return [{ target: null, error: record.error, answers: [], expected: null, details: {} }];
  if (result.decomposition.status === "dropped")
    return [
      {
        target: null,
        error: null,
        answers: [],
        expected: null,
        details: { dropped: "decomposition", reason: result.decomposition.reason, category: result.category },
      },
    ];
  return result.dialogues.map((dialogue) => ({
    target: dialogue.assistant,
    error: null,
    answers: dialogue.turns.map((turn) => turn.assistant),
    expected: null,
    details: {
      category: result.category,
      dropped: dialogue.dropped,
      subQueries: result.decomposition.status === "accepted" ? result.decomposition.subQueries : [],
      safety: dialogue.turns.map((turn) => turn.safety),
      helpfulness: dialogue.turns.map((turn) => turn.helpfulness),
    },
  }));
};
