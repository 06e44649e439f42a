import type { CaseRecord } from "../../engine/store.ts";
import { dialogueUnits, type ExportUnit, type ExportUnits } from "../../reports/export-rows.ts";
import { labelsOf } from "../moderation-eval/moderation-labels.ts";
import type { ModerationCaseResult } from "../moderation-eval/run-moderation-eval.ts";
import type { MtmcsCaseResult } from "../mtmcs/mtmcs-play.ts";
import type { BuiltCaseResult } from "../safemt/build/write-built-dialogue.ts";

/** MTMCS: one unit per model and defence (`<target>|<defence>`, the key its scores carry). */
const mtmcsUnits: ExportUnits = (record) => {
  const result = record.result as Partial<MtmcsCaseResult>;
  const side = record.dialogue.labels.side;
  return Object.entries(result.arms ?? {}).map(([key, arm]) => ({
    target: key,
    error: arm.error,
    answers: arm.answers.map((answer) => answer.text),
    expected: typeof side === "string" ? side : null,
    details: {
      model: arm.targetId,
      defence: arm.defence,
      ...(result.caption ? { caption: result.caption.caption, captionError: result.caption.error } : {}),
    },
  }));
};

/** Moderation evaluation: one unit per moderator; its verdicts are the scores, the gold labels the expectation. */
const moderationUnits: ExportUnits = (record) => {
  const result = record.result as Partial<ModerationCaseResult>;
  const gold = labelsOf(record.dialogue);
  const expected =
    [gold.user ? `user=${gold.user.rating}` : "", gold.assistant ? `assistant=${gold.assistant.rating}` : ""]
      .filter(Boolean)
      .join(" ") || null;
  return Object.entries(result.moderators ?? {}).map(
    ([moderator, outcome]): ExportUnit => ({
      target: moderator,
      error: outcome.result.error ?? (outcome.result.status === "errored" ? "moderator errored" : null),
      answers: [],
      expected,
      details: {
        moderationStatus: outcome.result.status,
        user: outcome.result.user?.rating ?? null,
        assistant: outcome.result.assistant?.rating ?? null,
        latencyMs: Math.round(outcome.latencyMs),
        ...(outcome.flip
          ? { flipRemoved: outcome.flip.removed, flipUser: outcome.flip.result.user?.rating ?? null }
          : {}),
      },
    }),
  );
};

/** SafeMT build: one unit per built sample, its answers the turns the attacker wrote. */
function builtUnits(attacker: string | null): ExportUnits {
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

/** How a run's cases become export rows, by the recipe stored with the run; unknown recipes read as dialogue suites. */
export function exportUnitsFor(run: { recipe: string; config: unknown }): ExportUnits {
  switch (run.recipe) {
    case "mtmcs":
      return mtmcsUnits;
    case "moderation-eval":
      return moderationUnits;
    case "safemt-build": {
      const attacker = (run.config as { attacker?: unknown } | null)?.attacker;
      return builtUnits(typeof attacker === "string" ? attacker : null);
    }
    default:
      return dialogueUnits;
  }
}
