import type { Dialogue, ImageRef } from "../dialogue/dialogue.ts";

/** One entry of the history shown to a moderator. */
export interface HistoryEntry {
  role: "user" | "assistant";
  content: string;
}

/** An image of the dialogue with its cumulative number (Image1, Image2, ... across the dialogue). */
export interface NumberedImage {
  number: number;
  messageIndex: number;
  image: ImageRef;
}

/** A dialogue laid out the way the moderator contract (spec/moderator.md) wants it. */
export interface ModerationHistory {
  /** User and assistant turns in order; system messages are operator setup, not a side, and are left out. */
  entries: HistoryEntry[];
  /** For each entry, the index of the dialogue message it came from ("turn N" = entries[N-1]). */
  messageIndices: number[];
  images: NumberedImage[];
  userTurns: number;
  assistantTurns: number;
}

/** The label of a cumulative image number, as moderators see and cite it. */
export function imageLabel(number: number): string {
  return `Image${number}`;
}

/**
 * Serialises a dialogue for a moderator: images numbered cumulatively across the dialogue,
 * each user turn written as its image labels (`[Image1] [Image2]`) followed by its text.
 * Every image is kept, however many a turn has.
 */
export function moderationHistory(dialogue: Dialogue): ModerationHistory {
  const entries: HistoryEntry[] = [];
  const messageIndices: number[] = [];
  const images: NumberedImage[] = [];
  let userTurns = 0;
  let assistantTurns = 0;
  dialogue.messages.forEach((message, messageIndex) => {
    if (message.role === "system") return;
    const labels: string[] = [];
    const texts: string[] = [];
    for (const part of message.content) {
      if (part.type === "text") texts.push(part.text);
      else {
        const number = images.length + 1;
        images.push({ number, messageIndex, image: part.image });
        labels.push(`[${imageLabel(number)}]`);
      }
    }
    const text = texts.join("\n");
    const content = labels.length > 0 ? `${labels.join(" ")}${text ? ` ${text}` : ""}` : text;
    entries.push({ role: message.role, content });
    messageIndices.push(messageIndex);
    if (message.role === "user") userTurns++;
    else assistantTurns++;
  });
  return { entries, messageIndices, images, userTurns, assistantTurns };
}
