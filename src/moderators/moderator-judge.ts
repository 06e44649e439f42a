import { CancelledError } from "../errors.ts";
import type { Judge, JudgeVerdict } from "../judges/judge.ts";
import type { Moderator, Policy } from "./moderator.ts";

/**
 * Uses a dialogue moderator as a judge: the whole transcript (answer included) is moderated
 * under the policy and the assistant side's verdict becomes the score (label `unsafe`, value 1;
 * `safe`, 0). An unparsed or errored moderation stays unparsed or errored, never safe.
 */
export function createModeratorJudge(options: {
  moderator: Moderator;
  policy: Policy;
  name?: string;
}): Judge {
  const { moderator, policy } = options;
  return {
    name: options.name ?? "moderation",
    target: moderator.target,
    ...(moderator.warmUp ? { warmUp: () => moderator.warmUp?.() ?? Promise.resolve() } : {}),
    async judge(input, caller): Promise<JudgeVerdict> {
      const result = await moderator.moderate(input.transcript, policy, caller).catch((error: unknown) => {
        if (error instanceof CancelledError) throw error;
        return { status: "errored" as const, user: null, assistant: null, raw: null, error: String(error) };
      });
      if (result.status !== "ok")
        return {
          status: result.status,
          label: null,
          value: null,
          explanation: result.error,
          raw: result.raw,
        };
      const verdict = result.assistant;
      if (!verdict)
        return {
          status: "unparsed",
          label: null,
          value: null,
          explanation: "the moderator gave no assistant-side verdict",
          raw: result.raw,
        };
      const dimension = verdict.dimension ? ` [${verdict.dimension}]` : "";
      return {
        status: "ok",
        label: verdict.rating,
        value: verdict.rating === "unsafe" ? 1 : 0,
        explanation: `${verdict.rationale}${dimension}`,
        raw: result.raw,
        ...(verdict.score === undefined ? {} : { score: verdict.score }),
      };
    },
  };
}
