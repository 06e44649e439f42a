import { createHash } from "node:crypto";
import type { Message, Part } from "../../dialogue/dialogue.ts";
import { InputError } from "../../errors.ts";
import { isRecord } from "../../http/json.ts";

const DATA_URL = /^data:(image\/[\w.+-]+);base64,/;
const ROLES = new Set(["system", "developer", "user", "assistant"]);

/**
 * Reads an OpenAI-style message list (one rollout) into turnsafe messages: text as strings or
 * `text` parts, images as base64 `data:image/...` URLs in `image_url` (or `image`) parts.
 * `developer` reads as `system`; `tool` messages are kept as user-side text marked `[tool]`.
 * Anything the judge could not see (an http image URL, an unknown part) is refused, naming the
 * field: a reward must not be computed from less than the rollout.
 */
export function readRolloutMessages(value: unknown, where: string): Message[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new InputError("must be a non-empty list of messages", where);
  return value.map((entry, index) => readMessage(entry, `${where}.${index}`));
}

function readMessage(entry: unknown, where: string): Message {
  if (!isRecord(entry)) throw new InputError("must be a message object", where);
  const role = entry.role;
  if (role === "tool" || role === "function")
    return {
      role: "user",
      content: [{ type: "text", text: `[tool] ${textOf(entry.content, `${where}.content`)}` }],
    };
  if (typeof role !== "string" || !ROLES.has(role))
    throw new InputError(
      `expected system, developer, user, assistant or tool, found ${JSON.stringify(role)}`,
      `${where}.role`,
    );
  const content = entry.content;
  const parts: Part[] = [];
  if (typeof content === "string") parts.push({ type: "text", text: content });
  else if (Array.isArray(content))
    content.forEach((part, index) => {
      parts.push(readPart(part, `${where}.content.${index}`));
    });
  else if (content !== null && content !== undefined)
    throw new InputError("must be a string or a list of parts", `${where}.content`);
  return { role: role === "developer" ? "system" : (role as Message["role"]), content: parts };
}

function readPart(part: unknown, where: string): Part {
  if (!isRecord(part)) throw new InputError("must be a content part object", where);
  if (part.type === "text" && typeof part.text === "string") return { type: "text", text: part.text };
  if (part.type === "image_url" || part.type === "image") {
    const holder = part.image_url ?? part.image;
    const url = typeof holder === "string" ? holder : isRecord(holder) ? holder.url : undefined;
    if (typeof url !== "string") throw new InputError("expected image_url.url", where);
    const match = DATA_URL.exec(url);
    if (!match?.[1])
      throw new InputError(
        "images must be base64 data:image/... URLs (the reward server fetches nothing)",
        where,
      );
    return { type: "image", image: { base64: url.slice(match[0].length), mediaType: match[1] } };
  }
  throw new InputError(`unsupported part type ${JSON.stringify(part.type)}`, where);
}

function textOf(content: unknown, where: string): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map((part, index) => (readPart(part, `${where}.${index}`) as { text?: string }).text ?? "")
      .join("\n");
  return "";
}

/** A content key of a rollout: equal messages (images by their bytes) give equal keys. */
export function rolloutContentKey(messages: readonly Message[]): string {
  const hash = createHash("sha256");
  for (const message of messages) {
    hash.update(`\u0000${message.role}`);
    for (const part of message.content) {
      if (part.type === "text") hash.update(`\u0001${part.text}`);
      else hash.update(`\u0002${part.image.base64 ?? part.image.path ?? part.image.url ?? ""}`);
    }
  }
  return hash.digest("hex");
}
