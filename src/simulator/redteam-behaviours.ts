import { z } from "zod";
import type { ChatRequestView } from "./chat-request.ts";

// Two scripting additions for red-team searches (turnsafe redteam): a rule condition on the
// last user turns in order, and an attacker that answers with a JSON plan drawn from a pool.

/** One user turn of a `user_turns_end_with` sequence: any of `contains`, and an image or not. */
export interface TurnStep {
  contains?: string[];
  image?: boolean;
}

const needles = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((value) => (typeof value === "string" ? [value] : value).map((needle) => needle.toLowerCase()));

/** `user_turns_end_with: [{contains, image}, ...]`: the last user turns, oldest first. */
export const turnStepsSchema = z
  .array(z.object({ contains: needles.optional(), image: z.boolean().optional() }).strict())
  .min(1)
  .transform((steps): TurnStep[] =>
    steps.map((step) => ({
      ...(step.contains ? { contains: step.contains } : {}),
      ...(step.image !== undefined ? { image: step.image } : {}),
    })),
  );

/** Whether the request's last user turns match `steps` in order (the last step is the last turn). */
export function userTurnsEndWith(request: ChatRequestView, steps: readonly TurnStep[]): boolean {
  const users = request.messages.filter((message) => message.role === "user");
  if (users.length < steps.length) return false;
  const offset = users.length - steps.length;
  return steps.every((step, index) => {
    const message = users[offset + index];
    if (!message) return false;
    if (step.image !== undefined && message.imageCount > 0 !== step.image) return false;
    if (!step.contains) return true;
    const text = message.text.toLowerCase();
    return step.contains.some((needle) => text.includes(needle));
  });
}

/**
 * `attacker_plan: {questions, image_probability, new_image_probability, strategies}`: a scripted
 * red-team attacker. `new_image_probability` (default 0) asks for a generated image
 * (`new_image_prompt`: "An illustration for: <question>") with that chance.
 */
export const attackerPlanSchema = z
  .object({
    questions: z.array(z.string().min(1)).min(1),
    image_probability: z.number().min(0).max(1).default(0.5),
    new_image_probability: z.number().min(0).max(1).default(0),
    strategies: z
      .array(z.string().min(1))
      .min(1)
      .default(["gradual_guidance", "purpose_inversion", "query_decomposition", "role_play"]),
  })
  .strict();
export type AttackerPlanOptions = z.infer<typeof attackerPlanSchema>;

const IMAGE_LINE = /^image ([\w.-]+):/gim;

/**
 * A JSON attacker plan: a question, strategy and whether to show an image, drawn from a stream
 * seeded by the script's seed, the request's `seed` and its text. The same request gets the same
 * plan, and a request with another seed (turnsafe varies it per node and candidate) another one.
 * Image ids are read from lines `image <id>: <caption>` of the request.
 */
export function attackerPlan(request: ChatRequestView, options: AttackerPlanOptions, seed: number): string {
  let hash = 2166136261 ^ seed ^ Math.imul(request.seed ?? 0, 0x9e3779b1);
  for (const message of request.messages)
    for (let index = 0; index < message.text.length; index++)
      hash = Math.imul(hash ^ message.text.charCodeAt(index), 16777619);
  let state = hash >>> 0;
  // xorshift32: a few coin flips per plan need nothing better (and behaviour.ts imports this file).
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  if (state === 0) state = 1;
  random();
  const question = options.questions[Math.floor(random() * options.questions.length)] ?? "";
  const strategy = options.strategies[Math.floor(random() * options.strategies.length)] ?? "";
  const ids = new Set<string>();
  for (const message of request.messages)
    for (const match of message.text.matchAll(IMAGE_LINE)) if (match[1]) ids.add(match[1]);
  const pool = [...ids];
  const withImage = pool.length > 0 && random() < options.image_probability;
  const imageId = withImage ? pool[Math.floor(random() * pool.length)] : undefined;
  // Drawn only when asked for, so scripts without it keep their plan streams.
  const newImage = options.new_image_probability > 0 && random() < options.new_image_probability;
  return JSON.stringify({
    strategy,
    image_ids: imageId ? [imageId] : [],
    new_image_prompt: newImage ? `An illustration for: ${question}` : null,
    think: "scripted plan (simulator)",
    next_question: question,
  });
}
