import type { Message, Part } from "../dialogue/dialogue.ts";

/** How a transcript is laid out for a judge model. */
export interface TranscriptPromptOptions {
  /** Attach the images themselves (vision judges); otherwise only `[image N]` markers. */
  vision: boolean;
  /** Most images to attach; later ones get a marker saying they were left out. */
  maxImages?: number;
}

const ROLE_NAMES = {
  system: "System prompt given to the assistant",
  user: "User",
  assistant: "Assistant",
} as const;
// Keeps the conversation from closing our own delimiters and speaking as the prompt.
const OUR_TAGS = /<(\/?)(conversation|final_answer|original_request)>/gi;

/** Neutralises tags the judge prompt uses as delimiters, so quoted content cannot fake them. */
export function escapeDelimiters(text: string): string {
  return text.replace(OUR_TAGS, "\u2039$1$2\u203a");
}

/**
 * Lays out every message of a conversation for a judge, turn by turn, as message parts:
 * images are numbered across the conversation and either attached after their `[image N]`
 * marker (vision) or stand as the marker alone. Adjacent text is merged into one part.
 */
export function transcriptParts(messages: readonly Message[], options: TranscriptPromptOptions): Part[] {
  const parts: Part[] = [];
  const maxImages = options.maxImages ?? Number.POSITIVE_INFINITY;
  let buffer = "";
  let turn = 0;
  let imageNumber = 0;
  let attached = 0;
  for (const message of messages) {
    if (message.role === "user") turn++;
    const heading =
      message.role === "system" ? ROLE_NAMES.system : `Turn ${turn} - ${ROLE_NAMES[message.role]}`;
    buffer += `${buffer ? "\n\n" : ""}[${heading}]\n`;
    for (const part of message.content) {
      if (part.type === "text") {
        buffer += `${escapeDelimiters(part.text)}\n`;
        continue;
      }
      imageNumber++;
      if (options.vision && attached < maxImages) {
        buffer += `[image ${imageNumber}]\n`;
        parts.push({ type: "text", text: buffer });
        parts.push(part);
        buffer = "\n";
        attached++;
      } else {
        buffer += options.vision
          ? `[image ${imageNumber}: not attached, image limit reached]\n`
          : `[image ${imageNumber}]\n`;
      }
    }
  }
  if (buffer.trim() !== "") parts.push({ type: "text", text: buffer });
  return mergeTextParts(parts);
}

/** Joins neighbouring text parts, so a request carries as few parts as it needs. */
export function mergeTextParts(parts: readonly Part[]): Part[] {
  const merged: Part[] = [];
  for (const part of parts) {
    const last = merged.at(-1);
    if (part.type === "text" && last?.type === "text")
      merged[merged.length - 1] = { type: "text", text: last.text + part.text };
    else merged.push(part);
  }
  return merged;
}

/** Number of image parts in a list of messages. */
export function countImages(messages: readonly Message[]): number {
  let count = 0;
  for (const message of messages) for (const part of message.content) if (part.type === "image") count++;
  return count;
}
