import type { Dialogue, ImageRef, Message, Part, Role } from "../dialogue/dialogue.ts";
import { sha256Hex } from "../dialogue/image-ref.ts";

/**
 * A part of a stored message: literal text, an image by reference (never its bytes), or a part
 * of the source dialogue by `[message index, part index]`.
 */
export type PlayedPart =
  | { type: "text"; text: string }
  | { type: "image"; image: ImageRef }
  | { source: [number, number] };

/**
 * One message of a stored played transcript, kept compact:
 * - a number: the source dialogue's message at that index, sent exactly as the source holds it;
 * - `{ role, content }`: a message sent in a form the source does not hold (e.g. images moved
 *   by the image placement), its parts referencing the source's where they come from it;
 * - `{ answer, call }`: the target's answer (`answers[answer]` of the same result), with the work
 *   key of the stored call that produced it (null when the caller did not say, e.g. a defence
 *   that built its own response).
 */
export type PlayedMessage =
  | number
  | { role: Role; content: PlayedPart[] }
  | { answer: number; call: string | null };

/** Where a message of a driver's history came from: a source message, or an answer. */
export type MessageOrigin = number | { answer: number; call: string | null };

/**
 * The compact stored form of `sent` (the messages of the target's last request, then its final
 * answer), given each message's origin. Messages whose parts are the source's own objects are
 * stored by index; others reference the source's parts they reuse.
 */
export function compactTranscript(
  source: readonly Message[],
  sent: readonly Message[],
  origins: readonly MessageOrigin[],
): PlayedMessage[] {
  let partIndex: Map<Part, [number, number]> | undefined;
  return sent.map((message, index): PlayedMessage => {
    const origin = origins[index];
    if (origin === undefined) throw new Error(`played message ${index} has no origin`);
    if (typeof origin !== "number") return origin;
    const original = source[origin];
    if (original && original.role === message.role && sameParts(original.content, message.content))
      return origin;
    partIndex ??= indexParts(source);
    const lookup = partIndex;
    const content = message.content.map((part): PlayedPart => {
      const found = lookup.get(part);
      return found ? { source: found } : literal(part);
    });
    return { role: message.role, content };
  });
}

/**
 * The conversation a stored result shows: its played transcript resolved against the source
 * dialogue (`asPlayed` true), or, for results stored before transcripts were kept (or a
 * transcript that does not fit the dialogue), the source dialogue followed by the answers.
 */
export function playedConversation(
  dialogue: Dialogue,
  outcome: { answers?: readonly { text: string }[]; played?: readonly PlayedMessage[] },
): { messages: Message[]; asPlayed: boolean; calls: (string | null)[] } {
  const answers = Array.isArray(outcome.answers) ? outcome.answers : [];
  const resolved = Array.isArray(outcome.played) ? resolve(dialogue.messages, outcome.played, answers) : null;
  if (resolved) return { ...resolved, asPlayed: true };
  const messages = [...dialogue.messages, ...answers.map((answer) => reply(answer.text))];
  return { messages, asPlayed: false, calls: messages.map(() => null) };
}

/** Shown with a conversation that is not the one played (a result stored before transcripts were kept). */
export const NOT_AS_PLAYED =
  "Not as played: this result was stored without its transcript; shown are the source dialogue, then the target's answers.";

function resolve(
  source: readonly Message[],
  played: readonly PlayedMessage[],
  answers: readonly { text: string }[],
): { messages: Message[]; calls: (string | null)[] } | null {
  const messages: Message[] = [];
  const calls: (string | null)[] = [];
  for (const entry of played) {
    if (typeof entry === "number") {
      const message = source[entry];
      if (!message) return null;
      messages.push(message);
      calls.push(null);
    } else if (entry && typeof entry === "object" && "answer" in entry) {
      const answer = answers[entry.answer];
      if (!answer) return null;
      messages.push(reply(answer.text));
      calls.push(typeof entry.call === "string" ? entry.call : null);
    } else if (entry && typeof entry === "object" && Array.isArray(entry.content)) {
      const content: Part[] = [];
      for (const part of entry.content) {
        const found = "source" in part ? source[part.source[0]]?.content[part.source[1]] : part;
        if (!found) return null;
        content.push(found);
      }
      messages.push({ role: entry.role, content });
      calls.push(null);
    } else return null;
  }
  return { messages, calls };
}

function reply(text: string): Message {
  return { role: "assistant", content: [{ type: "text", text }] };
}

function sameParts(a: readonly Part[], b: readonly Part[]): boolean {
  return a === b || (a.length === b.length && a.every((part, index) => part === b[index]));
}

function indexParts(source: readonly Message[]): Map<Part, [number, number]> {
  const index = new Map<Part, [number, number]>();
  source.forEach((message, m) => {
    message.content.forEach((part, p) => {
      if (!index.has(part)) index.set(part, [m, p]);
    });
  });
  return index;
}

/** A part not taken from the source: text as it is, an image by reference with any inline bytes reduced to their hash. */
function literal(part: Part): PlayedPart {
  if (part.type === "text") return part;
  const { base64, ...ref } = part.image;
  if (base64 === undefined) return part;
  return { type: "image", image: { ...ref, sha256: ref.sha256 ?? sha256Hex(Buffer.from(base64, "base64")) } };
}
