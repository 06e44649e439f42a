import { copyFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Dialogue, Message } from "../../dialogue/dialogue.ts";
import { JsonlWriter, readDialogues } from "../../dialogue/jsonl.ts";
import { InputError } from "../../errors.ts";
import type { TurnLabels } from "./synthesised-dialogues.ts";

export const EXPORT_FORMATS = ["openai", "sharegpt", "trl", "mmds"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Safety below which an assistant turn is not trained on (OpenAI `weight: 0`, left out elsewhere). */
export const SAFE_TURN_THRESHOLD = 0.5;

/**
 * Converts a synthesis output folder's dialogues.jsonl into a trainer's format in `outDir`,
 * with the images copied to `outDir/images/`:
 * - `openai`: OpenAI fine-tuning chat JSONL, images as base64 data URLs in `image_url` parts (the
 *   API takes no file paths); assistant turns labelled unsafe get `weight: 0`.
 * - `sharegpt`: LLaMA-Factory ShareGPT (`messages` with `<image>` placeholders, `images` list).
 * - `trl`: TRL conversational (`{"type": "image"}` parts, `images` list).
 * - `mmds`: the prompt-only RL set: each row's user turns (MMDS-style, each with its `images`),
 *   `dialogue_id`, and `label` (a JSON string for OpenRLHF's labels); the dialogues themselves
 *   are also written to `outDir/dialogues.jsonl` for `reward serve --dialogues`.
 * SFT formats (openai, sharegpt, trl) end each conversation at its last safe assistant turn.
 */
export async function exportSynthesis(options: {
  from: string;
  format: ExportFormat;
  outDir: string;
}): Promise<{ rows: number; images: number; file: string }> {
  if (!EXPORT_FORMATS.includes(options.format))
    throw new InputError(
      `expected one of ${EXPORT_FORMATS.join(", ")}, found ${JSON.stringify(options.format)}`,
      "--format",
    );
  const source = path.join(options.from, "dialogues.jsonl");
  const file = path.join(options.outDir, `${options.format}.jsonl`);
  await mkdir(path.join(options.outDir, "images"), { recursive: true });
  const writer = new JsonlWriter(file);
  const rawWriter =
    options.format === "mmds" ? new JsonlWriter(path.join(options.outDir, "dialogues.jsonl")) : undefined;
  const copied = new Set<string>();
  let rows = 0;
  for await (const dialogue of readDialogues(source)) {
    for (const message of dialogue.messages)
      for (const part of message.content)
        if (part.type === "image" && part.image.path && !copied.has(part.image.path)) {
          copied.add(part.image.path);
          const target = path.join(options.outDir, "images", path.basename(part.image.path));
          await copyFile(path.resolve(options.from, part.image.path), target);
        }
    const row = await toRow(dialogue, options.format, options.from);
    if (row === null) continue;
    await writer.write(row);
    await rawWriter?.write(relocated(dialogue));
    rows++;
  }
  await writer.close();
  await rawWriter?.close();
  return { rows, images: copied.size, file };
}

function labelsOf(dialogue: Dialogue): TurnLabels[] {
  return ((dialogue.metadata.am3 as { turns?: TurnLabels[] } | undefined)?.turns ?? []) as TurnLabels[];
}

function imagePath(part: { image: { path?: string } }): string {
  return `images/${path.basename(part.image.path ?? "")}`;
}

function text(message: Message): string {
  return message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** The dialogue up to its last assistant turn labelled safe; null when none is. */
function trainable(dialogue: Dialogue): Message[] | null {
  const labels = labelsOf(dialogue);
  let assistantIndex = -1;
  let end = -1;
  dialogue.messages.forEach((message, index) => {
    if (message.role !== "assistant") return;
    assistantIndex++;
    if ((labels[assistantIndex]?.safety ?? 0) >= SAFE_TURN_THRESHOLD) end = index;
  });
  return end < 0 ? null : dialogue.messages.slice(0, end + 1);
}

async function toRow(dialogue: Dialogue, format: ExportFormat, from: string): Promise<unknown> {
  if (format === "mmds") {
    const users = dialogue.messages.filter((message) => message.role === "user");
    return {
      id: dialogue.id,
      dialogue_id: dialogue.id,
      messages: users.map((message) => ({
        role: "user",
        content: text(message),
        images: message.content.filter((part) => part.type === "image").map(imagePath),
      })),
      label: JSON.stringify({ dialogue_id: dialogue.id }),
      category: dialogue.metadata.category ?? null,
    };
  }
  if (format === "openai") {
    const labels = labelsOf(dialogue);
    let assistantIndex = -1;
    const messages = [];
    for (const message of dialogue.messages) {
      if (message.role === "assistant") {
        assistantIndex++;
        const safe = (labels[assistantIndex]?.safety ?? 0) >= SAFE_TURN_THRESHOLD;
        messages.push({ role: "assistant", content: text(message), weight: safe ? 1 : 0 });
        continue;
      }
      const parts = [];
      for (const part of message.content)
        if (part.type === "text") parts.push({ type: "text", text: part.text });
        else {
          const bytes = await readFile(path.resolve(from, part.image.path ?? ""));
          const media = (part.image.path ?? "").toLowerCase().endsWith(".jpg") ? "image/jpeg" : "image/png";
          parts.push({
            type: "image_url",
            image_url: { url: `data:${media};base64,${bytes.toString("base64")}` },
          });
        }
      messages.push({ role: message.role, content: parts });
    }
    return messages.some((message) => message.role === "assistant" && message.weight === 1)
      ? { messages }
      : null;
  }
  const messages = trainable(dialogue);
  if (messages === null) return null;
  const images = messages.flatMap((message) =>
    message.content.filter((part) => part.type === "image").map(imagePath),
  );
  if (format === "sharegpt")
    return {
      messages: messages.map((message) => ({
        role: message.role,
        content: `${"<image>".repeat(message.content.filter((part) => part.type === "image").length)}${text(message)}`,
      })),
      images,
    };
  return {
    messages: messages.map((message) => ({
      role: message.role,
      content: message.content.map((part) =>
        part.type === "text" ? { type: "text", text: part.text } : { type: "image" },
      ),
    })),
    images,
  };
}

function relocated(dialogue: Dialogue): Dialogue {
  return {
    ...dialogue,
    messages: dialogue.messages.map((message) => ({
      ...message,
      content: message.content.map((part) =>
        part.type === "image" ? { type: "image", image: { path: imagePath(part) } } : part,
      ),
    })),
  };
}
