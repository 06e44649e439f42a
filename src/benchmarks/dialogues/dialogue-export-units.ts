import { type ExportUnits, expectedLabel, exportTranscript } from "../../reports/export-rows.ts";
import type { DialogueCaseResult } from "./dialogue-suite.ts";

/** Units of a dialogue-suite (or SafeMT) case: one per target with its answers. */
export const dialogueUnits: ExportUnits = (record) => {
  const result = record.result as Partial<DialogueCaseResult> | null;
  const targets = result?.targets && typeof result.targets === "object" ? Object.entries(result.targets) : [];
  return targets.map(([target, outcome]) => ({
    target,
    error: outcome.error,
    answers: outcome.answers.map((answer) => answer.text),
    transcript: outcome.error === null ? exportTranscript(record.dialogue, outcome) : null,
    expected: expectedLabel(record),
    details: {},
  }));
};
