import path from "node:path";
import { z } from "zod";
import { type Dialogue, DialogueSchema, type ImageRef, type Part } from "../../dialogue/dialogue.ts";
import { imageInFolder } from "../../dialogue/image-in-folder.ts";
import { DEFAULT_INPUT_LIMITS } from "../../dialogue/input-limits.ts";
import { tooDeepAt, tooDeepMessage } from "../../dialogue/json-depth.ts";
import { formatZodError, readJsonl } from "../../dialogue/jsonl.ts";
import { MAX_WHOLE_FILE_BYTES, readSmallTextFile } from "../../dialogue/read-small-text-file.ts";
import { InputError } from "../../errors.ts";
import { extractJsonObject } from "../../judges/parse-output.ts";
import type { PolicyDimension } from "../../moderators/moderator.ts";
import { buildPolicy, DEFAULT_POLICY } from "../../moderators/policy.ts";
import {
  ITEM_POLICY_KEY,
  MODERATION_LABELS_KEY,
  type ModerationLabels,
  readDimension,
  readRating,
  type SideLabel,
} from "./moderation-labels.ts";

/** Options of the MMDS loader. */
export interface MmdsLoadOptions {
  /** Folder relative image paths are resolved against (default: the data file's folder). */
  imageBaseDir?: string;
  /** Custom dimensions (from --policy) that item policies may name. */
  customDimensions?: PolicyDimension[];
  /** Fail on items without gold labels (default true; `moderate check` reads unlabelled ones). */
  requireLabels?: boolean;
  /** Accept image paths that resolve outside the image folder (refused by default). */
  allowOutsideImages?: boolean;
}

type Item = Record<string, unknown>;
const ItemSchema = z.record(z.string(), z.unknown());

/**
 * Streams MMDS-format items (README: "MMDS-format data") as dialogues carrying their gold
 * labels (`labels.moderation`) and, when given, their own policy (`metadata.policy`). Reads
 * JSONL, or a .json file holding one item or an array. Relative image paths become absolute, so any
 * moderator finds them. Errors name the file, line and field.
 */
export async function* readMmdsDialogues(
  file: string,
  options: MmdsLoadOptions = {},
): AsyncGenerator<Dialogue> {
  const baseDir = options.imageBaseDir ?? path.dirname(path.resolve(file));
  const seen = new Set<string>();
  for await (const { line, value } of readItems(file)) {
    const where = `${file}:${line}`;
    const dialogue = mmdsItemToDialogue(value, where, { ...options, imageBaseDir: baseDir, line });
    if (seen.has(dialogue.id)) throw new InputError(`duplicate id "${dialogue.id}"`, where);
    seen.add(dialogue.id);
    yield dialogue;
  }
  if (seen.size === 0) throw new InputError("no dialogues in the file (it is empty)", file);
}

async function* readItems(file: string): AsyncGenerator<{ line: number; value: Item }> {
  if (!file.toLowerCase().endsWith(".json")) {
    yield* readJsonl(file, ItemSchema);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readSmallTextFile(file, MAX_WHOLE_FILE_BYTES));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read a JSON array (${(error as Error).message})`, file);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const [index, value] of list.entries()) {
    const deep = tooDeepAt(value, DEFAULT_INPUT_LIMITS.maxDepth);
    if (deep !== undefined)
      throw new InputError(tooDeepMessage(deep, DEFAULT_INPUT_LIMITS.maxDepth), `${file}[${index}]`);
    const item = ItemSchema.safeParse(value);
    if (!item.success) throw new InputError("each item must be an object", `${file}[${index}]`);
    yield { line: index + 1, value: item.data };
  }
}

const TURN_KEYS = ["messages", "conversation", "conversations", "dialogue", "history", "turns"];
const ROLE_NAMES: Record<string, "system" | "user" | "assistant"> = {
  system: "system",
  user: "user",
  human: "user",
  assistant: "assistant",
  gpt: "assistant",
  bot: "assistant",
  model: "assistant",
  ai: "assistant",
};
const LABEL_KEYS = ["labels", "label", "annotation", "annotations", "gold", "output", "answer"];
const POLICY_KEYS = ["policy", "dimensions", "policy_dimensions"];
const ID_KEYS = ["id", "dialogue_id", "sample_id", "uid"];

/** Converts one MMDS item into a labelled dialogue; `where` prefixes errors. */
export function mmdsItemToDialogue(
  item: Item,
  where: string,
  options: MmdsLoadOptions & { line?: number } = {},
): Dialogue {
  const turnsKey = TURN_KEYS.find((key) => Array.isArray(item[key]));
  if (!turnsKey) throw new InputError(`no turns: expected one of ${TURN_KEYS.join(", ")} as an array`, where);
  const pending = [...toImageList(item.images ?? item.image, `${where}: images`)];
  const messages = (item[turnsKey] as unknown[]).map((turn, index) =>
    toMessage(turn, `${where}: ${turnsKey}.${index}`, pending, {
      baseDir: options.imageBaseDir,
      allowOutside: options.allowOutsideImages,
    }),
  );
  if (pending.length > 0) {
    // Item-level images without <image> placeholders belong to the first user turn.
    const first = messages.find((message) => message.role === "user");
    if (!first) throw new InputError("images are given but there is no user turn", where);
    first.content.unshift(
      ...pending.map((ref) =>
        imagePart(ref, { baseDir: options.imageBaseDir, allowOutside: options.allowOutsideImages }, where),
      ),
    );
  }
  const policyNames = readPolicyNames(item, where, options.customDimensions ?? []);
  const order = policyNames
    ? buildPolicy(policyNames, options.customDimensions).dimensions
    : (options.customDimensions?.length ?? 0) > 0
      ? (options.customDimensions ?? [])
      : DEFAULT_POLICY.dimensions;
  const labels = readLabels(item, where, order, options.requireLabels !== false);
  for (const side of ["user", "assistant"] as const)
    if (labels[side] && !messages.some((message) => message.role === side))
      throw new InputError(`the ${side} side is labelled but the dialogue has no ${side} turns`, where);
  const idKey = ID_KEYS.find((key) => typeof item[key] === "string" || typeof item[key] === "number");
  const id = idKey ? String(item[idKey]) : `line-${options.line ?? 0}`;
  const parsed = DialogueSchema.safeParse({
    id,
    messages,
    labels: { [MODERATION_LABELS_KEY]: labels },
    metadata: policyNames ? { [ITEM_POLICY_KEY]: policyNames } : {},
  });
  if (!parsed.success) throw new InputError(formatZodError(parsed.error), where);
  return parsed.data as Dialogue;
}

function toMessage(
  turn: unknown,
  where: string,
  pending: ImageRef[],
  folder: ImageFolder,
): { role: "system" | "user" | "assistant"; content: Part[] } {
  if (typeof turn !== "object" || turn === null) throw new InputError("a turn must be an object", where);
  const record = turn as Item;
  const roleValue = record.role ?? record.from ?? record.speaker;
  const role = typeof roleValue === "string" ? ROLE_NAMES[roleValue.trim().toLowerCase()] : undefined;
  if (!role) throw new InputError(`unknown role ${JSON.stringify(roleValue ?? null)}`, where);
  const content: Part[] = [];
  const images = toImageList(record.images ?? record.image, `${where}.images`);
  const raw = record.content ?? record.text ?? record.value ?? "";
  let texts: string[] = [];
  if (typeof raw === "string") texts = [raw];
  else if (Array.isArray(raw))
    for (const part of raw) {
      const read = readPart(part, `${where}.content`);
      if (typeof read === "string") texts.push(read);
      else images.push(read);
    }
  else throw new InputError("content must be text or a list of parts", where);
  if (role === "user")
    texts = texts.map((text) =>
      text.replace(/<image>\s*/g, () => {
        const next = pending.shift();
        if (!next) throw new InputError("more <image> placeholders than images", where);
        images.push(next);
        return "";
      }),
    );
  content.push(...images.map((ref) => imagePart(ref, folder, where)));
  const joined = texts.join("\n").trim();
  if (joined !== "" || content.length === 0) content.push({ type: "text", text: joined });
  return { role, content };
}

function readPart(part: unknown, where: string): string | ImageRef {
  if (typeof part === "string") return part;
  const record = (part ?? {}) as Item;
  if (record.type === "text" && typeof record.text === "string") return record.text;
  const image = record.image ?? record.image_url ?? record.url ?? record.path;
  if (image !== undefined) {
    const nested = (image as { url?: unknown })?.url;
    const [ref] = toImageList(typeof nested === "string" ? nested : image, where);
    if (ref) return ref;
  }
  throw new InputError(`unreadable content part ${JSON.stringify(part).slice(0, 80)}`, where);
}

function toImageList(value: unknown, where: string): ImageRef[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => {
    if (typeof entry === "string") {
      if (/^(https?:|data:)/i.test(entry)) return { url: entry };
      return { path: entry };
    }
    if (typeof entry === "object" && entry !== null) return entry as ImageRef;
    throw new InputError("an image must be a path, a URL or an image object", where);
  });
}

/** Where an item's relative image paths resolve, and whether they may leave that folder. */
interface ImageFolder {
  baseDir: string | undefined;
  allowOutside: boolean | undefined;
}

function imagePart(ref: ImageRef, folder: ImageFolder, where: string): Part {
  const image =
    ref.path && folder.baseDir
      ? { ...ref, path: imageInFolder(folder.baseDir, ref.path, `${where}: image`, folder.allowOutside) }
      : ref;
  return { type: "image", image };
}

function readPolicyNames(item: Item, where: string, custom: PolicyDimension[]): string[] | undefined {
  const metadata = (item.metadata ?? {}) as Item;
  const key = POLICY_KEYS.find((name) => item[name] !== undefined && item[name] !== null);
  const value = key ? item[key] : metadata[ITEM_POLICY_KEY];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((name) => typeof name === "string"))
    throw new InputError("must be a list of dimension names", `${where}: ${key ?? "metadata.policy"}`);
  const names = value.map((name) => name.replace(/^\s*O\d+\s*[:.\-–)]\s*/i, "").trim());
  try {
    buildPolicy(names, custom);
  } catch (error) {
    throw new InputError((error as Error).message, `${where}: ${key ?? "metadata.policy"}`);
  }
  return names;
}

function readLabels(
  item: Item,
  where: string,
  order: readonly PolicyDimension[],
  required: boolean,
): ModerationLabels {
  const sources: Item[] = [item];
  for (const key of LABEL_KEYS) {
    const value = item[key];
    if (typeof value === "string") {
      const found = extractJsonObject(value);
      if (found) sources.unshift(found);
    } else if (typeof value === "object" && value !== null && !Array.isArray(value))
      sources.unshift(value as Item);
  }
  // Canonical turnsafe dialogues carry the labels under labels.moderation.
  const canonical = (item.labels as Item | undefined)?.[MODERATION_LABELS_KEY];
  if (typeof canonical === "object" && canonical !== null) sources.unshift(canonical as Item);
  const read = (side: "user" | "assistant"): SideLabel | null | undefined => {
    for (const source of sources) {
      const nested = source[side];
      if (typeof nested === "object" && nested !== null) {
        const record = nested as Item;
        return sideLabel(
          record.rating ?? record.label,
          record.dimension ?? record.category,
          record.rationale ?? record.reason,
          `${where}: ${side}`,
          order,
        );
      }
      if (`${side}_rating` in source)
        return sideLabel(
          source[`${side}_rating`],
          source[`${side}_dimension`],
          source[`${side}_rationale`],
          `${where}: ${side}_rating`,
          order,
        );
    }
    return undefined;
  };
  const user = read("user");
  const assistant = read("assistant");
  if (user === undefined && assistant === undefined && required)
    throw new InputError(
      "no labels: expected labels.user / labels.assistant {rating, dimension, rationale} or user_rating / assistant_rating fields",
      where,
    );
  return { user: user ?? null, assistant: assistant ?? null };
}

function sideLabel(
  rating: unknown,
  dimension: unknown,
  rationale: unknown,
  where: string,
  order: readonly PolicyDimension[],
): SideLabel | null {
  const read = readRating(rating);
  if (read === undefined)
    throw new InputError(`rating ${JSON.stringify(rating)} is not Safe, Unsafe or null`, where);
  if (read === null) return null;
  return {
    rating: read,
    dimension: read === "unsafe" ? readDimension(dimension, order) : null,
    rationale: typeof rationale === "string" && rationale.trim() !== "" ? rationale : null,
  };
}
