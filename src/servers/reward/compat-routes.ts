import type { Message } from "../../dialogue/dialogue.ts";
import { InputError } from "../../errors.ts";
import { isRecord } from "../../http/json.ts";
import { splitChatTemplate } from "./chat-template.ts";
import { readRolloutMessages } from "./read-rollout.ts";
import type { RewardItem, RewardItemResult } from "./reward-service.ts";

/** Where compat routes find images and group sizes the engines do not send. */
export interface CompatContext {
  /** Dialogues by id: their user turns' images are attached to the rollout's user turns. */
  dialogues?: ReadonlyMap<string, readonly Message[]>;
  /** Group size when a label names a group but no size (e.g. OpenRLHF's n_samples_per_prompt). */
  defaultGroupSize: number;
}

/**
 * What a label (OpenRLHF's `labels[i]`, slime's `label`) may carry: a JSON object or a string
 * holding one, with `dialogue_id`, `group` (default: the dialogue id), `group_size`, `id`
 * (request id for idempotency). Anything else (a plain string) is ignored.
 */
export function readLabel(label: unknown): Record<string, unknown> {
  if (typeof label === "string" && label.trim().startsWith("{")) {
    try {
      const parsed = JSON.parse(label) as unknown;
      return isRecord(parsed) ? parsed : {};
    } catch {
      return {};
    }
  }
  return isRecord(label) ? label : {};
}

/** Builds a reward item from a templated or message-list prompt, a response and a label. */
export function compatItem(
  conversation: { query?: string; prompt?: unknown; response?: string },
  label: unknown,
  context: CompatContext,
  where: string,
): RewardItem {
  const fields = readLabel(label);
  let messages: Message[];
  if (Array.isArray(conversation.prompt)) {
    messages = readRolloutMessages(conversation.prompt, `${where}.prompt`);
    if (conversation.response !== undefined)
      messages.push({ role: "assistant", content: [{ type: "text", text: conversation.response }] });
  } else {
    const prompt = typeof conversation.prompt === "string" ? conversation.prompt : undefined;
    const query = conversation.query ?? `${prompt ?? ""}${conversation.response ?? ""}`;
    messages = splitChatTemplate(query, prompt).messages;
  }
  const dialogueId = stringField(fields.dialogue_id ?? fields.dialogueId, `${where}.label.dialogue_id`);
  if (dialogueId !== undefined) {
    const source = context.dialogues?.get(dialogueId);
    if (!source)
      throw new InputError(
        `unknown dialogue id ${JSON.stringify(dialogueId)} (start the server with --dialogues)`,
        `${where}.label.dialogue_id`,
      );
    attachImages(messages, source);
  }
  const group = stringField(fields.group, `${where}.label.group`) ?? dialogueId;
  const size = fields.group_size ?? fields.groupSize;
  if (size !== undefined && (!Number.isInteger(size) || (size as number) < 1))
    throw new InputError("must be a positive integer", `${where}.label.group_size`);
  return {
    id: stringField(fields.id ?? fields.request_id, `${where}.label.id`),
    messages,
    group,
    groupSize: group === undefined ? 1 : ((size as number | undefined) ?? context.defaultGroupSize),
  };
}

/** Copies the images of the source dialogue's k-th user turn into the rollout's k-th user turn. */
function attachImages(messages: Message[], source: readonly Message[]): void {
  const sourceUsers = source.filter((message) => message.role === "user");
  let userIndex = 0;
  for (const message of messages) {
    if (message.role !== "user") continue;
    const images = sourceUsers[userIndex++]?.content.filter((part) => part.type === "image") ?? [];
    if (images.length > 0 && !message.content.some((part) => part.type === "image"))
      message.content = [...images, ...message.content];
  }
}

function stringField(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number") return String(value);
  throw new InputError("must be a non-empty string", where);
}

/** OpenRLHF's reply: rewards and scores per sample, and the mean of each numeric extra. */
export function openRlhfReply(results: readonly RewardItemResult[]): {
  rewards: number[];
  scores: number[];
  extra_logs: Record<string, number>;
} {
  const sums: Record<string, number> = {};
  for (const result of results)
    for (const [name, value] of Object.entries(result.extras))
      if (!name.startsWith("turn_weight_")) sums[name] = (sums[name] ?? 0) + value;
  const extra_logs: Record<string, number> = {};
  for (const [name, sum] of Object.entries(sums)) extra_logs[`turnsafe/${name}`] = sum / results.length;
  return {
    rewards: results.map((result) => result.reward),
    scores: results.map((result) => result.score ?? result.reward),
    extra_logs,
  };
}
