import type { Dialogue, ImageRef, Message, Part } from "../../dialogue/dialogue.ts";
import { sha256Hex, sniffMediaType } from "../../dialogue/image-ref.ts";
import { type FetchPolicy, safeFetch } from "../../dialogue/safe-fetch.ts";
import { ImageError, InputError } from "../../errors.ts";

/** A chat completion request the guard has read, with the dialogue its moderator sees. */
export interface GuardChatRequest {
  /**
   * The body to forward upstream: the client's own JSON, except that fetched image URLs are
   * replaced by the bytes that were moderated (as data URLs), so the upstream cannot be
   * shown a different image than the moderator was.
   */
  body: Record<string, unknown>;
  model: string | undefined;
  stream: boolean;
  dialogue: Dialogue;
  /** sha256 of every image, in dialogue order (for the audit log; never the bytes). */
  imageHashes: string[];
}

/** How the guard treats image URLs. */
export interface ImageUrlOptions {
  /** Whether http(s) image URLs are fetched at all (off by default in the guard). */
  fetchImages: boolean;
  /** Limits of a fetch; only public addresses are contacted unless the policy says otherwise. */
  fetchPolicy: FetchPolicy;
  signal?: AbortSignal;
}

const DATA_URL = /^data:(image\/[\w.+-]+);base64,(.*)$/s;

/**
 * Reads an OpenAI chat completion body into a turnsafe Dialogue. Throws an InputError naming
 * the offending field (the guard answers 400) for anything it cannot moderate, rather than
 * letting unmoderated content through: unknown part types, images outside user turns,
 * image URLs when fetching is off, and URLs that point at private or loopback addresses.
 */
export async function readGuardChatRequest(
  body: unknown,
  requestId: string,
  images: ImageUrlOptions,
): Promise<GuardChatRequest> {
  if (!isRecord(body)) throw new InputError("the request body must be a JSON object", "body");
  const { model, messages, stream, n } = body;
  if (model !== undefined && (typeof model !== "string" || model === ""))
    throw new InputError("must be a non-empty string", "model");
  if (!Array.isArray(messages) || messages.length === 0)
    throw new InputError("must be a non-empty array", "messages");
  if (stream !== undefined && stream !== null && typeof stream !== "boolean")
    throw new InputError("must be a boolean", "stream");
  if (n !== undefined && n !== null && n !== 1)
    throw new InputError("the guard moderates one choice per request; use n = 1", "n");
  const dialogueMessages: Message[] = [];
  const imageHashes: string[] = [];
  for (let index = 0; index < messages.length; index++) {
    const where = `messages[${index}]`;
    const message: unknown = messages[index];
    if (!isRecord(message)) throw new InputError("must be an object", where);
    dialogueMessages.push(await readMessage(message, where, images, imageHashes));
  }
  return {
    body,
    model: model as string | undefined,
    stream: stream === true,
    dialogue: {
      version: 1,
      id: requestId,
      messages: dialogueMessages,
      labels: {},
      metadata: { source: "guard" },
    },
    imageHashes,
  };
}

async function readMessage(
  message: Record<string, unknown>,
  where: string,
  images: ImageUrlOptions,
  imageHashes: string[],
): Promise<Message> {
  const { role, content } = message;
  switch (role) {
    case "system":
    case "developer":
      return { role: "system", content: textParts(content, `${where}.content`, false) };
    case "user":
      return { role: "user", content: await userParts(content, `${where}.content`, images, imageHashes) };
    case "assistant": {
      const parts =
        content === null || content === undefined ? [] : textParts(content, `${where}.content`, true);
      for (const call of toolCallTexts(message.tool_calls)) parts.push({ type: "text", text: call });
      return { role: "assistant", content: parts };
    }
    case "tool":
    case "function":
      // Tool output enters the model's context without the model writing it, so it is judged
      // with the user side, where injected instructions would come from.
      return {
        role: "user",
        content: textParts(content, `${where}.content`, false).map((part) => ({
          type: "text",
          text: `[tool result] ${part.type === "text" ? part.text : ""}`,
        })),
      };
    default:
      throw new InputError(
        "must be one of system, developer, user, assistant, tool, function",
        `${where}.role`,
      );
  }
}

/** The text of a message that may not carry images; `refusal` parts are text too. */
function textParts(content: unknown, where: string, allowRefusal: boolean): Part[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw new InputError("must be a string or an array of parts", where);
  const parts: Part[] = [];
  content.forEach((part: unknown, index) => {
    const partWhere = `${where}[${index}]`;
    if (isRecord(part) && part.type === "text" && typeof part.text === "string")
      parts.push({ type: "text", text: part.text });
    else if (allowRefusal && isRecord(part) && part.type === "refusal" && typeof part.refusal === "string")
      parts.push({ type: "text", text: part.refusal });
    else if (isRecord(part) && part.type === "image_url")
      throw new InputError("only user messages may carry images", partWhere);
    else throw new InputError(`unsupported content part ${describeType(part)}`, partWhere);
  });
  return parts;
}

async function userParts(
  content: unknown,
  where: string,
  images: ImageUrlOptions,
  imageHashes: string[],
): Promise<Part[]> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw new InputError("must be a string or an array of parts", where);
  const parts: Part[] = [];
  for (let index = 0; index < content.length; index++) {
    const part: unknown = content[index];
    const partWhere = `${where}[${index}]`;
    if (isRecord(part) && part.type === "text" && typeof part.text === "string") {
      parts.push({ type: "text", text: part.text });
    } else if (isRecord(part) && part.type === "image_url") {
      const holder = isRecord(part.image_url) ? part.image_url : undefined;
      if (!holder || typeof holder.url !== "string")
        throw new InputError("must be a string", `${partWhere}.image_url.url`);
      const image = await readImage(holder, `${partWhere}.image_url.url`, images);
      imageHashes.push(image.sha256 as string);
      parts.push({ type: "image", image });
    } else {
      // Audio, files and anything newer cannot be moderated, so they are refused, not passed on.
      throw new InputError(`unsupported content part ${describeType(part)}`, partWhere);
    }
  }
  return parts;
}

/** Decodes a data URL, or fetches an http(s) URL and rewrites `holder.url` to the fetched bytes. */
async function readImage(
  holder: Record<string, unknown>,
  where: string,
  options: ImageUrlOptions,
): Promise<ImageRef> {
  const url = holder.url as string;
  if (url.startsWith("data:")) {
    const match = DATA_URL.exec(url);
    if (!match?.[1] || !match[2]) throw new InputError("data URLs must be base64 image/* data", where);
    const bytes = Buffer.from(match[2], "base64");
    if (bytes.length === 0) throw new InputError("the image is empty", where);
    return { base64: match[2], mediaType: sniffMediaType(bytes) ?? match[1], sha256: sha256Hex(bytes) };
  }
  if (!/^https?:\/\//i.test(url))
    throw new InputError("must be an http(s) URL or a base64 data:image/... URL", where);
  if (!options.fetchImages)
    throw new InputError(
      "this guard does not fetch image URLs; send the image inline as a base64 data: URL",
      where,
    );
  let fetched: { bytes: Buffer; contentType: string | undefined };
  try {
    fetched = await safeFetch(url, { ...options.fetchPolicy, allow: true }, options.signal);
  } catch (error) {
    if (error instanceof ImageError) throw new InputError(`image URL refused: ${error.message}`, where);
    throw error;
  }
  if (fetched.bytes.length === 0) throw new InputError("the fetched image is empty", where);
  const mediaType = sniffMediaType(fetched.bytes) ?? fetched.contentType?.split(";")[0]?.trim();
  if (!mediaType?.startsWith("image/")) throw new InputError("the URL did not return an image", where);
  const base64 = fetched.bytes.toString("base64");
  holder.url = `data:${mediaType};base64,${base64}`;
  return { base64, mediaType, sha256: sha256Hex(fetched.bytes) };
}

/** Tool calls an assistant turn made, as text the moderator can read. */
export function toolCallTexts(toolCalls: unknown): string[] {
  if (!Array.isArray(toolCalls)) return [];
  const texts: string[] = [];
  for (const call of toolCalls) {
    const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
    if (!fn) continue;
    const name = typeof fn.name === "string" ? fn.name : "tool";
    texts.push(`[tool call ${name}] ${typeof fn.arguments === "string" ? fn.arguments : ""}`);
  }
  return texts;
}

function describeType(part: unknown): string {
  return isRecord(part) && typeof part.type === "string" ? JSON.stringify(part.type) : "(no type)";
}

/** True for plain JSON objects. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
