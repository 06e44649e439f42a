import type { CaseRecord } from "../../../engine/store.ts";
import type { ExportUnits } from "../../../reports/export-rows.ts";
import type { BuiltCaseResult } from "./write-built-dialogue.ts";

/** SafeMT build: one unit per built sample, its answers the turns the attacker wrote. */
export function builtUnits(attacker: string | null): ExportUnits {
  return (record: CaseRecord) => {
    const result = record.result as Partial<BuiltCaseResult>;
    return [
      {
        target: attacker,
        error: null,
        answers: (result.turns ?? []).map((turn) => `${turn.role}: ${turn.content}`),
        expected: null,
        details: {
          method: record.dialogue.metadata.method ?? null,
          length: record.dialogue.metadata.length ?? null,
          rejectedAttempts: result.rejected?.length ?? 0,
        },
      },
    ];
  };
}
