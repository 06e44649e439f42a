import { type ExportUnits, exportTranscript } from "../../reports/export-rows.ts";
import type { MtmcsCaseResult } from "./mtmcs-play.ts";

/** MTMCS: one unit per model and defence (`<target>|<defence>`, the key its scores carry). */
export const mtmcsUnits: ExportUnits = (record) => {
  const result = record.result as Partial<MtmcsCaseResult>;
  const side = record.dialogue.labels.side;
  return Object.entries(result.arms ?? {}).map(([key, arm]) => ({
    target: key,
    error: arm.error,
    answers: arm.answers.map((answer) => answer.text),
    transcript: arm.error === null ? exportTranscript(record.dialogue, arm) : null,
    expected: typeof side === "string" ? side : null,
    details: {
      model: arm.targetId,
      defence: arm.defence,
      ...(result.caption ? { caption: result.caption.caption, captionError: result.caption.error } : {}),
    },
  }));
};
