import type { Dialogue, Message, Part } from "../../dialogue/dialogue.ts";
import type { FetchPolicy } from "../../dialogue/safe-fetch.ts";
import { InputError } from "../../errors.ts";
import { isRecord } from "../../http/json.ts";
import { readImageUrl } from "./read-image-url.ts";
import { checkMessageFields, checkPartFields, checkRequestFields } from "./request-fields.ts";

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
  /** The conversation as the client sent it (what provider-spec upstreams are given). */
  dialogue: Dialogue;
  /**
   * What the moderator sees: the same turns, with everything else the model reads made
   * visible as text of the side it comes from. System and developer messages, tool and
   * function definitions, tool choice, response schema, predicted output and message names
   * are user-side text (the client wrote them); history reasoning, tool calls and legacy
   * function calls are assistant-side text.
   */
  moderation: Dialogue;
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
  /** Most messages accepted in one request (default {@link DEFAULT_MAX_MESSAGES}). */
  maxMessages?: number;
  /** Most characters of text (all text the moderator reads) accepted (default {@link DEFAULT_MAX_TEXT_CHARS}). */
  maxTextChars?: number;
}

/**
 * Default limit on the text of one request: the moderator runs on the server's event loop,
 * and the local guard needs about 0.3 s per million characters.
 */
export const DEFAULT_MAX_TEXT_CHARS = 1_000_000;

/** Default limit on the messages of one request. */
export const DEFAULT_MAX_MESSAGES = 2000;

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
  const maxMessages = images.maxMessages ?? DEFAULT_MAX_MESSAGES;
  if (messages.length > maxMessages)
    throw new InputError(`at most ${maxMessages} messages are accepted in one request`, "messages");
  const envelope = checkRequestFields(body);
  const forwarded: Message[] = [];
  const moderated: Message[] = [];
  const imageHashes: string[] = [];
  if (envelope.length > 0)
    moderated.push({ role: "user", content: envelope.map((text) => ({ type: "text", text })) });
  for (let index = 0; index < messages.length; index++) {
    const where = `messages[${index}]`;
    const message: unknown = messages[index];
    if (!isRecord(message)) throw new InputError("must be an object", where);
    const read = await readMessage(message, where, images, imageHashes);
    forwarded.push(read.forward);
    moderated.push(read.moderate);
    // Long conversations are read in slices, so other clients are served in between.
    if (index % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  const maxTextChars = images.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  let textChars = 0;
  for (const message of moderated)
    for (const part of message.content) if (part.type === "text") textChars += part.text.length;
  if (textChars > maxTextChars)
    throw new InputError(
      `the request carries ${textChars} characters of text; this guard moderates at most ${maxTextChars} per request`,
      "messages",
    );
  const dialogue = (messages: Message[]): Dialogue => ({
    version: 1,
    id: requestId,
    messages,
    labels: {},
    metadata: { source: "guard" },
  });
  return {
    body,
    model: model as string | undefined,
    stream: stream === true,
    dialogue: dialogue(forwarded),
    moderation: dialogue(moderated),
    imageHashes,
  };
}

/** A message as forwarded to provider-spec upstreams and as the moderator sees it. */
interface ReadMessage {
  forward: Message;
  moderate: Message;
}

async function readMessage(
  message: Record<string, unknown>,
  where: string,
  images: ImageUrlOptions,
  imageHashes: string[],
): Promise<ReadMessage> {
  const { role, content } = message;
  if (typeof role === "string") checkMessageFields(message, role, where);
  const named = (parts: Part[]): Part[] =>
    typeof message.name === "string" ? [...parts, { type: "text", text: `[name] ${message.name}` }] : parts;
  switch (role) {
    case "system":
    case "developer": {
      const parts = textParts(content, `${where}.content`, false);
      // Moderators judge the user and assistant sides; instructions the client gives the
      // model are the client's words, so the moderator reads them on the user side.
      const labelled = parts.map((part) => ({ type: "text" as const, text: `[${role}] ${textOf(part)}` }));
      return {
        forward: { role: "system", content: parts },
        moderate: { role: "user", content: named(labelled) },
      };
    }
    case "user": {
      const parts = await userParts(content, `${where}.content`, images, imageHashes);
      return { forward: { role: "user", content: parts }, moderate: { role: "user", content: named(parts) } };
    }
    case "assistant": {
      const parts =
        content === null || content === undefined ? [] : textParts(content, `${where}.content`, true);
      const extra: string[] = [];
      if (typeof message.refusal === "string") extra.push(message.refusal);
      extra.push(...toolCallTexts(message.tool_calls));
      extra.push(...functionCallTexts(message.function_call));
      const forward = [...parts, ...extra.map((text) => ({ type: "text" as const, text }))];
      for (const field of ["reasoning_content", "reasoning"])
        if (message[field] !== undefined && message[field] !== null)
          extra.push(`[${field}] ${stringValue(message[field])}`);
      const moderate = [...parts, ...extra.map((text) => ({ type: "text" as const, text }))];
      return {
        forward: { role: "assistant", content: forward },
        moderate: { role: "assistant", content: named(moderate) },
      };
    }
    case "tool":
    case "function": {
      // Tool output enters the model's context without the model writing it, so it is judged
      // with the user side, where injected instructions would come from.
      const parts: Part[] = textParts(content, `${where}.content`, false).map((part) => ({
        type: "text",
        text: `[tool result] ${textOf(part)}`,
      }));
      return { forward: { role: "user", content: parts }, moderate: { role: "user", content: named(parts) } };
    }
    default:
      throw new InputError(
        "must be one of system, developer, user, assistant, tool, function",
        `${where}.role`,
      );
  }
}

function textOf(part: Part): string {
  return part.type === "text" ? part.text : "";
}

function stringValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The text of a message that may not carry images; `refusal` parts are text too. */
function textParts(content: unknown, where: string, allowRefusal: boolean): Part[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw new InputError("must be a string or an array of parts", where);
  const parts: Part[] = [];
  content.forEach((part: unknown, index) => {
    const partWhere = `${where}[${index}]`;
    if (isRecord(part) && part.type === "text" && typeof part.text === "string") {
      checkPartFields(part, "text", partWhere);
      parts.push({ type: "text", text: part.text });
    } else if (
      allowRefusal &&
      isRecord(part) &&
      part.type === "refusal" &&
      typeof part.refusal === "string"
    ) {
      checkPartFields(part, "refusal", partWhere);
      parts.push({ type: "text", text: part.refusal });
    } else if (isRecord(part) && part.type === "image_url")
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
      checkPartFields(part, "text", partWhere);
      parts.push({ type: "text", text: part.text });
    } else if (isRecord(part) && part.type === "image_url") {
      checkPartFields(part, "image_url", partWhere);
      const holder = isRecord(part.image_url) ? part.image_url : undefined;
      if (!holder || typeof holder.url !== "string")
        throw new InputError("must be a string", `${partWhere}.image_url.url`);
      checkPartFields(holder, "image_url_holder", `${partWhere}.image_url`);
      const image = await readImageUrl(holder, `${partWhere}.image_url.url`, images);
      imageHashes.push(image.sha256 as string);
      parts.push({ type: "image", image });
    } else {
      // Audio, files and anything newer cannot be moderated, so they are refused, not passed on.
      throw new InputError(`unsupported content part ${describeType(part)}`, partWhere);
    }
  }
  return parts;
}

/** Tool calls an assistant turn made, as text the moderator can read. */
export function toolCallTexts(toolCalls: unknown): string[] {
  if (!Array.isArray(toolCalls)) return [];
  const texts: string[] = [];
  for (const call of toolCalls) {
    const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
    if (!fn) {
      // Custom tools and anything newer: all of it, so nothing the model reads goes unseen.
      texts.push(`[tool call] ${JSON.stringify(call)}`);
      continue;
    }
    const name = typeof fn.name === "string" ? fn.name : "tool";
    texts.push(`[tool call ${name}] ${typeof fn.arguments === "string" ? fn.arguments : ""}`);
  }
  return texts;
}

/** A legacy `function_call` of an assistant turn, as text the moderator can read. */
function functionCallTexts(call: unknown): string[] {
  if (call === undefined || call === null) return [];
  if (!isRecord(call)) return [`[function call] ${stringValue(call)}`];
  const name = typeof call.name === "string" ? call.name : "function";
  return [`[function call ${name}] ${stringValue(call.arguments ?? "")}`];
}

function describeType(part: unknown): string {
  return isRecord(part) && typeof part.type === "string" ? JSON.stringify(part.type) : "(no type)";
}
