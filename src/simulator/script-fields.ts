import { z } from "zod";
import { type TurnStep, turnStepsSchema } from "./redteam-behaviours.ts";

// Field schemas of simulator scripts, split from script.ts to keep both files short.

/** Inclusive latency range in milliseconds; a fixed latency has min equal to max. */
export type LatencyRange = readonly [number, number];

/** Conditions of a rule, already compiled; every present condition must hold. */
export interface RuleConditions {
  models?: RegExp[];
  turnMin?: number;
  turnMax?: number;
  /** Lower-cased needles; any one matching is enough. */
  lastUserContains?: string[];
  lastUserMatches?: RegExp;
  anyUserContains?: string[];
  systemContains?: string[];
  hasImage?: boolean;
  /** The last user turns, in order (see redteam-behaviours.ts). */
  userTurnsEndWith?: TurnStep[];
  probability?: number;
}

const TEMPLATE_FIELDS = ["last_user", "turn", "model", "images"];
const TEMPLATE_PATTERN = /\{\{\s*([^}\s]*)\s*\}\}/g;

const needlesSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((value) => (typeof value === "string" ? [value] : value).map((needle) => needle.toLowerCase()));

export const latencySchema = z
  .union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)])])
  .refine((value) => typeof value === "number" || value[0] <= value[1], "min must not exceed max")
  .transform((value): LatencyRange => (typeof value === "number" ? [value, value] : value));

export const probabilitySchema = z.number().min(0).max(1);

export const templateSchema = z.string().superRefine((template, context) => {
  for (const match of template.matchAll(TEMPLATE_PATTERN)) {
    if (!TEMPLATE_FIELDS.includes(match[1] ?? "")) {
      context.addIssue({
        code: "custom",
        message: `unknown template field {{${match[1]}}} (known: ${TEMPLATE_FIELDS.join(", ")})`,
      });
    }
  }
});

/** A pattern, or `/pattern/flags`; the stateful g and y flags are refused since rules test many texts. */
const regexSchema = z.string().transform((source, context) => {
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(source);
  if (literal?.[2] && /[gy]/.test(literal[2])) {
    context.addIssue({ code: "custom", message: "the g and y flags are not allowed" });
    return z.NEVER;
  }
  try {
    return literal ? new RegExp(literal[1] ?? "", literal[2]) : new RegExp(source);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

const modelSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((value) => (typeof value === "string" ? [value] : value).map(globToRegExp));

export const conditionsSchema = z
  .object({
    model: modelSchema.optional(),
    turn: z
      .object({ min: z.int().min(0).optional(), max: z.int().min(0).optional() })
      .strict()
      .refine((turn) => turn.min === undefined || turn.max === undefined || turn.min <= turn.max, {
        message: "min must not exceed max",
      })
      .optional(),
    last_user_contains: needlesSchema.optional(),
    last_user_matches: regexSchema.optional(),
    any_user_contains: needlesSchema.optional(),
    system_contains: needlesSchema.optional(),
    has_image: z.boolean().optional(),
    user_turns_end_with: turnStepsSchema.optional(),
    probability: probabilitySchema.optional(),
  })
  .strict()
  .transform((when): RuleConditions => {
    const conditions: RuleConditions = {};
    if (when.model) conditions.models = when.model;
    if (when.turn?.min !== undefined) conditions.turnMin = when.turn.min;
    if (when.turn?.max !== undefined) conditions.turnMax = when.turn.max;
    if (when.last_user_contains) conditions.lastUserContains = when.last_user_contains;
    if (when.last_user_matches) conditions.lastUserMatches = when.last_user_matches;
    if (when.any_user_contains) conditions.anyUserContains = when.any_user_contains;
    if (when.system_contains) conditions.systemContains = when.system_contains;
    if (when.has_image !== undefined) conditions.hasImage = when.has_image;
    if (when.user_turns_end_with) conditions.userTurnsEndWith = when.user_turns_end_with;
    if (when.probability !== undefined) conditions.probability = when.probability;
    return conditions;
  });

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}
