import { z } from "zod";
import { parseThresholdRule } from "../reports/thresholds.ts";
import {
  ContainsJudgeConfigSchema,
  RegexJudgeConfigSchema,
  RubricJudgeConfigSchema,
} from "./custom-judge-config.ts";

/**
 * A judge in a run: the embedded refusal detector, the LLM safety judge on a model, any dialogue
 * moderator, or a custom judge (regex, contains, rubric) defined in the config.
 */
export const JudgeConfigSchema = z.union(
  [
    z.literal("refusal"),
    z.discriminatedUnion("type", [
      z.object({ type: z.literal("refusal") }).strict(),
      z
        .object({
          type: z.literal("safety"),
          model: z.union([z.string(), z.record(z.string(), z.unknown())]),
          vision: z.boolean().optional(),
        })
        .strict(),
      z
        .object({
          type: z.literal("moderator"),
          /** A moderator spec: local, prompted:<target>, llavashield:<target>, llama-guard-4:<target>, ... */
          moderator: z.string().min(1),
          /** Policy YAML (default: the eight built-in dimensions). */
          policy: z.string().optional(),
        })
        .strict(),
      RegexJudgeConfigSchema,
      ContainsJudgeConfigSchema,
      RubricJudgeConfigSchema,
    ]),
  ],
  {
    error:
      "expected refusal, {type: safety, model: <target spec>, vision?}, {type: moderator, moderator: <spec>, policy?}, or a custom judge {type: regex | contains | rubric, name, ...}",
  },
);
export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;

const PriceSchema = z
  .object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) })
  .strict();

/** The `turnsafe run` configuration file. Flags override its fields. */
export const RunConfigSchema = z
  .object({
    name: z
      .string()
      .regex(/^[\w.-]+$/, "use letters, digits, '.', '_' or '-'")
      .default("run"),
    /** JSONL of dialogues, relative to the config file; or `quickstart` for the bundled suite. */
    data: z.string().min(1),
    /** Folder that image paths in the data are relative to (default: the data file's folder). */
    imageDir: z.string().optional(),
    driver: z.enum(["auto", "live", "replay"]).default("auto"),
    target: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    targets: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).default([]),
    judges: z.array(JudgeConfigSchema).default(["refusal"]),
    /** SQLite store, relative to the config file; unset: the command's default store (current directory). */
    store: z.string().optional(),
    /** Report folder, relative to the config file; unset: `.turnsafe/reports` in the current directory. */
    reportDir: z.string().optional(),
    /** Cases played at once; unset: from the targets' and judges' connection budgets (defaultCasesInFlight). */
    concurrency: z.number().int().min(1).max(10_000).optional(),
    /** Default concurrent requests per endpoint (a target's own `concurrency` wins). */
    endpointConcurrency: z.number().int().min(1).max(10_000).default(8),
    cache: z.boolean().default(true),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(50).optional(),
        baseDelayMs: z.number().int().min(0).optional(),
        maxDelayMs: z.number().int().min(0).optional(),
        timeoutMs: z.number().int().min(100).optional(),
      })
      .strict()
      .default({}),
    pricing: z.record(z.string(), PriceSchema).default({}),
    /** Cases shown in full in the HTML report (errored and flagged ones first). */
    reportCases: z.number().int().min(0).default(300),
    /** Metadata keys the report breaks rates down by (default: `category`). */
    breakdown: z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/,
            "a metadata key: letters, digits, _ and -, dots for nested fields",
          ),
      )
      .min(1)
      .optional(),
    limit: z.number().int().min(1).optional(),
    /** Each dialogue is played this many times as separate samples (case ids `<id>#<k>`). */
    repeat: z.number().int().min(1).max(1000).default(1),
    /** CI gate rules, `<judge>[@<target>] <metric> <op> <value>`; a crossed rule exits 4. */
    thresholds: z.array(z.string()).default([]),
    /** Caps on what is read from the data: line size, image size, nesting depth. */
    limits: z
      .object({
        maxLineBytes: z.number().int().min(1024).optional(),
        maxImageBytes: z.number().int().min(1).optional(),
        maxDepth: z.number().int().min(2).max(500).optional(),
      })
      .strict()
      .default({}),
    /** Accept image paths that resolve (after symlinks) outside the image folder. */
    allowImagesOutsideDataDir: z.boolean().default(false),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.target === undefined && config.targets.length === 0)
      context.addIssue({
        code: "custom",
        path: ["targets"],
        message: "name at least one target (`target:` or `targets:`)",
      });
    const names = new Set<string>();
    for (const [index, judge] of config.judges.entries()) {
      if (typeof judge === "string" || !("name" in judge)) continue;
      if (names.has(judge.name))
        context.addIssue({
          code: "custom",
          path: ["judges", index, "name"],
          message: `"${judge.name}" is used twice`,
        });
      names.add(judge.name);
    }
    for (const [index, rule] of config.thresholds.entries()) {
      try {
        parseThresholdRule(rule, "");
      } catch (error) {
        context.addIssue({
          code: "custom",
          path: ["thresholds", index],
          message: (error as Error).message.replace(/^: /, ""),
        });
      }
    }
  });
export type RunConfig = z.infer<typeof RunConfigSchema>;
