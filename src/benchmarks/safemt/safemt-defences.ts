import type { Target } from "../../contracts/index.ts";
import { ConfigError, InputError } from "../../errors.ts";
import type { Moderator, Policy } from "../../moderators/moderator.ts";
import { DEFAULT_POLICY } from "../../moderators/policy.ts";
import { createPolicyInjection } from "../../moderators/policy-injection.ts";
import { wrapTarget } from "../../targets/target.ts";
import type { SafemtCondition } from "./safemt-report.ts";

/**
 * The conditions a SafeMT run can compare: the bare target, the dialogue moderator putting the
 * violated policy into the target's context, or the moderator blocking the request.
 */
export const SAFEMT_DEFENCES = ["none", "policy-injection", "policy-block"] as const;
export type SafemtDefence = (typeof SAFEMT_DEFENCES)[number];

/** Parses `none,policy-injection` (a list or comma-separated strings) into distinct defences. */
export function parseDefences(values: readonly string[], where = "--defence"): SafemtDefence[] {
  const defences: SafemtDefence[] = [];
  for (const value of values
    .flatMap((item) => item.split(","))
    .map((item) => item.trim())
    .filter(Boolean)) {
    if (!(SAFEMT_DEFENCES as readonly string[]).includes(value))
      throw new InputError(`unknown defence "${value}"; use ${SAFEMT_DEFENCES.join(", ")}`, where);
    if (!defences.includes(value as SafemtDefence)) defences.push(value as SafemtDefence);
  }
  if (defences.length === 0) throw new InputError("name at least one defence (e.g. none)", where);
  return defences;
}

/** What the policy defences need. */
export interface DefenceSetup {
  moderator?: Moderator;
  /** Default: the built-in eight-dimension policy. */
  policy?: Policy;
}

/**
 * Every target under every defence, target by target. A defended target's id is the bare id
 * plus `+<defence>`, so its results never mix with the bare target's.
 */
export function defendedTargets(
  targets: readonly Target[],
  defences: readonly SafemtDefence[],
  setup: DefenceSetup,
): { targets: Target[]; conditions: SafemtCondition[] } {
  const needsModerator = defences.some((defence) => defence !== "none");
  if (needsModerator && !setup.moderator)
    throw new ConfigError(
      `the ${defences.filter((defence) => defence !== "none").join(" and ")} defence needs a moderator`,
    );
  const wrapped: Target[] = [];
  const conditions: SafemtCondition[] = [];
  for (const target of targets)
    for (const defence of defences) {
      let condition = target;
      if (defence !== "none" && setup.moderator) {
        const middleware = createPolicyInjection({
          moderator: setup.moderator,
          policy: setup.policy ?? DEFAULT_POLICY,
          mode: defence === "policy-block" ? "block" : "inject",
        });
        condition = { ...wrapTarget(target, [middleware]), id: `${target.id}+${defence}` };
      }
      wrapped.push(condition);
      conditions.push({ target: condition.id, model: target.id, defence });
    }
  const ids = new Set<string>();
  for (const target of wrapped) {
    if (ids.has(target.id))
      throw new InputError(`two targets share the id ${target.id}; give them distinct labels`, "--target");
    ids.add(target.id);
  }
  return { targets: wrapped, conditions };
}
