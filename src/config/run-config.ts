import { z } from "zod";

/** A judge in a run: the embedded refusal detector, the LLM safety judge on a model, or any dialogue moderator. */
export const JudgeConfigSchema = z.union([
  z.literal("refusal"),
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
]);
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
    /** Cases played at once. */
    concurrency: z.number().int().min(1).max(10_000).default(16),
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
    limit: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((config) => config.target !== undefined || config.targets.length > 0, {
    message: "name at least one target (`target:` or `targets:`)",
    path: ["targets"],
  });
export type RunConfig = z.infer<typeof RunConfigSchema>;
