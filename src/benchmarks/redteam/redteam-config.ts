import { z } from "zod";
import { MCTS_DEFAULTS } from "./search-tree.ts";

const budgetSchema = z
  .object({
    calls: z.number().positive().optional(),
    tokens: z.number().positive().optional(),
    cost: z.number().positive().optional(),
    /** Seconds. */
    time: z.number().positive().optional(),
  })
  .strict();

const modelSpec = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

/** The YAML config of `turnsafe redteam run --config` (command-line flags win over it). */
export const redteamConfigSchema = z
  .object({
    name: z
      .string()
      .regex(/^[\w.-]+$/)
      .optional(),
    tasks: z.string().min(1).optional(),
    images: z.string().min(1).optional(),
    methods: z
      .array(z.enum(["mcts", "crescendo", "linear"]))
      .min(1)
      .optional(),
    targets: z.array(modelSpec).min(1).optional(),
    attacker: modelSpec.optional(),
    judge: modelSpec.optional(),
    /** Text-to-image model (OpenAI images API) for the attacker's new_image_prompt. */
    image_model: modelSpec.optional(),
    /** `WIDTHxHEIGHT` asked of the image model (default 1024x1024). */
    image_size: z
      .string()
      .regex(/^\d+x\d+$/, "expected WIDTHxHEIGHT")
      .optional(),
    budget: budgetSchema.optional(),
    run_budget: budgetSchema.optional(),
    samples: z.int().min(1).max(1000).optional(),
    seed: z.int().optional(),
    max_rounds: z.int().min(1).max(50).optional(),
    iterations: z.int().min(1).max(10_000).optional(),
    max_refused: z.int().min(0).max(20).optional(),
    max_backtracks: z.int().min(0).max(100).optional(),
    attacker_temperature: z.number().min(0).max(2).optional(),
    target_system_prompt: z.string().nullable().optional(),
    /** Show a vision judge the conversation's images (MMRT's judge saw none). */
    judge_sees_images: z.boolean().optional(),
    mcts: z
      .object({
        beta: z.number().min(0).max(1).default(MCTS_DEFAULTS.beta),
        epsilon: z.number().min(0).max(1).default(MCTS_DEFAULTS.epsilon),
        c: z.number().min(0).default(MCTS_DEFAULTS.c),
        max_children: z.int().min(1).max(10).default(MCTS_DEFAULTS.maxChildren),
        sim_rounds: z.int().min(0).max(10).default(MCTS_DEFAULTS.simRounds),
        best_child_start: z.enum(["own-score", "zero"]).default(MCTS_DEFAULTS.bestChildStart),
      })
      .strict()
      .optional(),
    concurrency: z.int().min(1).optional(),
  })
  .strict();
export type RedteamConfig = z.infer<typeof redteamConfigSchema>;
