import { z } from "zod";

/** Names a custom judge may not take: the built-in judges' scorer names. */
const RESERVED = new Set(["refusal", "safety", "moderation"]);

const JudgeName = z
  .string()
  .regex(/^[A-Za-z][\w.-]*$/, "start with a letter; use letters, digits, '.', '_' or '-'")
  .refine((name) => !RESERVED.has(name), "is the name of a built-in judge; pick another");

/** The label a custom judge gives when it fires (default `flagged`); the other outcome is `pass`. */
const FlaggedLabel = z
  .string()
  .regex(/^[A-Za-z][\w-]*$/, "start with a letter; use letters, digits, '_' or '-'")
  .refine((label) => label !== "pass", "`pass` is the label of the other outcome")
  .default("flagged");

/** What a text check reads: every assistant message, the last one, or every message. */
const On = z.enum(["assistant", "last-assistant", "all"]).default("last-assistant");

/** `{type: regex, name, pattern, flags?, on, label}`: fires when the pattern matches. */
export const RegexJudgeConfigSchema = z
  .object({
    type: z.literal("regex"),
    name: JudgeName,
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[imsu]*$/, "use only the flags i, m, s and u")
      .optional(),
    on: On,
    label: FlaggedLabel,
  })
  .strict()
  .superRefine((judge, context) => {
    try {
      new RegExp(judge.pattern, judge.flags);
    } catch (error) {
      context.addIssue({
        code: "custom",
        path: ["pattern"],
        message: `not a valid regular expression (${(error as Error).message})`,
      });
    }
  });

/** `{type: contains, name, values, match: any|all, caseSensitive, on, label}`: fires when the text contains them. */
export const ContainsJudgeConfigSchema = z
  .object({
    type: z.literal("contains"),
    name: JudgeName,
    values: z.array(z.string().min(1)).min(1),
    match: z.enum(["any", "all"]).default("any"),
    caseSensitive: z.boolean().default(false),
    on: On,
    label: FlaggedLabel,
  })
  .strict();

/**
 * `{type: rubric, name, model, rubric, scale: {min, max}, threshold}` or `{..., labels: [...], label}`:
 * an LLM judge with the user's own rubric. With a scale, a score at or above `threshold` is
 * flagged; with labels, the answer `label` is.
 */
export const RubricJudgeConfigSchema = z
  .object({
    type: z.literal("rubric"),
    name: JudgeName,
    model: z.union([z.string(), z.record(z.string(), z.unknown())]),
    rubric: z.string().min(1),
    scale: z.object({ min: z.number().int(), max: z.number().int() }).strict().optional(),
    threshold: z.number().optional(),
    labels: z.array(z.string().min(1)).min(2).optional(),
    label: FlaggedLabel,
    vision: z.boolean().optional(),
  })
  .strict()
  .superRefine((judge, context) => {
    const issue = (path: string, message: string) =>
      context.addIssue({ code: "custom", path: [path], message });
    if ((judge.scale === undefined) === (judge.labels === undefined))
      issue("scale", "give either `scale: {min, max}` or `labels: [...]`");
    if (judge.scale) {
      if (judge.scale.min >= judge.scale.max) issue("scale", "min must be below max");
      if (judge.threshold === undefined)
        issue("threshold", "a scale needs a threshold: scores at or above it are flagged");
      else if (judge.threshold < judge.scale.min || judge.threshold > judge.scale.max)
        issue("threshold", `must lie within the scale (${judge.scale.min}-${judge.scale.max})`);
    }
    if (judge.labels) {
      if (judge.threshold !== undefined) issue("threshold", "only a scale takes a threshold");
      if (!judge.labels.includes(judge.label))
        issue("label", `name which of the labels (${judge.labels.join(", ")}) is flagged`);
    }
  });

export type RegexJudgeConfig = z.infer<typeof RegexJudgeConfigSchema>;
export type ContainsJudgeConfig = z.infer<typeof ContainsJudgeConfigSchema>;
export type RubricJudgeConfig = z.infer<typeof RubricJudgeConfigSchema>;
export type CustomJudgeConfig = RegexJudgeConfig | ContainsJudgeConfig | RubricJudgeConfig;
