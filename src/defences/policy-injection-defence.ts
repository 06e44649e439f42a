import { z } from "zod";
import { DEFAULT_POLICY } from "../moderators/policy.ts";
import { createPolicyInjection } from "../moderators/policy-injection.ts";
import { createPromptedModerator } from "../moderators/prompted-moderator.ts";
import { defineDefence } from "./defence.ts";

/**
 * turnsafe's moderator policy injection: the prompted moderator reads the conversation so far
 * against the default policy; when the user side is unsafe, the violated dimension's policy is
 * put in the target's context (`inject`) or the turn is refused (`block`). The moderator model
 * is `dependencies.moderatorTarget`, or the defended target itself when none is given.
 */
export const policyInjectionDefence = defineDefence({
  name: "policy-injection",
  description:
    "Moderates the conversation with the prompted moderator and injects the violated policy (or blocks).",
  options: z.object({ mode: z.enum(["inject", "block"]).default("inject") }).strict(),
  create: (options, dependencies) => ({
    name: "policy-injection",
    forTarget(inner) {
      const moderator = createPromptedModerator({ target: dependencies.moderatorTarget ?? inner });
      return createPolicyInjection({ moderator, policy: DEFAULT_POLICY, mode: options.mode });
    },
  }),
});
