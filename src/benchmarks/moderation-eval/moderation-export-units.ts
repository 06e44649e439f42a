import type { ExportUnit, ExportUnits } from "../../reports/export-rows.ts";
import { labelsOf } from "./moderation-labels.ts";
import type { ModerationCaseResult } from "./run-moderation-eval.ts";

/** Moderation evaluation: one unit per moderator; its verdicts are the scores, the gold labels the expectation. */
export const moderationUnits: ExportUnits = (record) => {
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
