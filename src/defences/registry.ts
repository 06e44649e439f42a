import type { MiddlewareLayer } from "../contracts/index.ts";
import { InputError } from "../errors.ts";
import { adaShieldDefence } from "./adashield.ts";
import { cotSafetyDefence } from "./cot-safety.ts";
import type { Defence, DefenceDependencies } from "./defence.ts";
import { defensivePromptPatchDefence } from "./defensive-prompt-patch.ts";
import { policyInjectionDefence } from "./policy-injection-defence.ts";
import { safetySystemPromptDefence } from "./safety-system-prompt.ts";
import { selfReflectionDefence } from "./self-reflection.ts";
import { selfReminderDefence } from "./self-reminder.ts";

/** Every defence by name: the one place a defence's identity is registered. */
export const DEFENCES: ReadonlyMap<string, Defence<never>> = new Map(
  (
    [
      safetySystemPromptDefence,
      selfReminderDefence,
      adaShieldDefence,
      defensivePromptPatchDefence,
      selfReflectionDefence,
      cotSafetyDefence,
      policyInjectionDefence,
    ] as Defence<never>[]
  ).map((defence) => [defence.name, defence]),
);

/** The condition with no defence. */
export const NO_DEFENCE = "none";

/** One evaluated condition: a label (`none`, `adashield+self-reflection`) and its layers, outermost first. */
export interface DefenceCondition {
  label: string;
  names: string[];
  middleware: MiddlewareLayer[];
}

/**
 * Parses `none,self-reminder,adashield+self-reflection` into conditions: commas separate
 * conditions, `+` combines defences within one (the first listed is outermost). Unknown
 * names are an InputError listing the known ones; duplicates are rejected.
 */
export function parseDefenceConditions(text: string, where = "--defences"): string[][] {
  const conditions = text
    .split(",")
    .map((condition) => condition.trim())
    .filter((condition) => condition !== "");
  if (conditions.length === 0) return [[]];
  const seen = new Set<string>();
  return conditions.map((condition) => {
    const names = condition.split("+").map((name) => name.trim());
    const key = names.join("+");
    if (seen.has(key)) throw new InputError(`condition "${condition}" is listed twice`, where);
    seen.add(key);
    if (names.length === 1 && names[0] === NO_DEFENCE) return [];
    for (const name of names) {
      if (!DEFENCES.has(name))
        throw new InputError(
          `unknown defence "${name}"; known: ${NO_DEFENCE}, ${[...DEFENCES.keys()].join(", ")}`,
          where,
        );
      if (names.indexOf(name) !== names.lastIndexOf(name))
        throw new InputError(`defence "${name}" appears twice in "${condition}"`, where);
    }
    return names;
  });
}

/** Builds the middleware of a condition (default options for each defence). */
export function buildDefenceCondition(
  names: readonly string[],
  dependencies: DefenceDependencies = {},
): DefenceCondition {
  const middleware = names.map((name) => {
    const defence = DEFENCES.get(name);
    if (!defence) throw new InputError(`unknown defence "${name}"`, "defences");
    return defence.build({}, dependencies);
  });
  return { label: names.length === 0 ? NO_DEFENCE : names.join("+"), names: [...names], middleware };
}
