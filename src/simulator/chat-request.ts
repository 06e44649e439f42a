import { isRecord } from "../http/json.ts";

/** One message of a chat request, reduced to what scripts look at. */
export interface ChatMessageView {
  role: string;
  /** Text parts joined by newlines. */
  text: string;
  imageCount: number;
}

/** A validated OpenAI chat completion request, reduced to what the simulator needs. */
export interface ChatRequestView {
  model: string;
  messages: ChatMessageView[];
  /** Number of user messages. */
  turn: number;
  lastUserText: string;
  imageCount: number;
  stream: boolean;
  includeUsage: boolean;
  /** `max_completion_tokens` or `max_tokens`, when the client set one. */
  maxTokens: number | undefined;
  /** Estimated prompt tokens: ceil(characters / 4) plus 85 per image. */
  promptTokens: number;
  /** The request's `seed`, when it is an integer (scripted attacker plans use it). */
  seed?: number;
}

/** Why a request body was rejected, in OpenAI's terms. */
export interface ChatRequestProblem {
  message: string;
  param: string | null;
}

const ROLES = new Set(["system", "developer", "user", "assistant", "tool", "function"]);
const DATA_IMAGE_URL = /^data:image\/[\w.+-]+;base64,[A-Za-z0-9+/]/;

/** Tokens the simulator charges for one image, whatever its size. */
export const IMAGE_TOKENS = 85;

/** Estimates tokens of a text the way the simulator reports usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Validates a parsed request body. Hand-written rather than a zod schema because it runs
 * on every request of a load test and only needs a few fields.
 */
export function readChatRequest(body: unknown): ChatRequestView | ChatRequestProblem {
  if (!isRecord(body)) return { message: "the request body must be a JSON object", param: null };
  const { model, messages } = body;
  if (typeof model !== "string" || model === "")
    return { message: "model must be a non-empty string", param: "model" };
  if (!Array.isArray(messages) || messages.length === 0) {
    return { message: "messages must be a non-empty array", param: "messages" };
  }
  const views: ChatMessageView[] = [];
  let turn = 0;
  let lastUserText = "";
  let imageCount = 0;
  let characters = 0;
  for (let index = 0; index < messages.length; index++) {
    const view = readMessage(messages[index], `messages[${index}]`);
    if ("message" in view) return view;
    views.push(view);
    characters += view.text.length;
    imageCount += view.imageCount;
    if (view.role === "user") {
      turn++;
      lastUserText = view.text;
    }
  }
  const streamOptions = body.stream_options;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (
    maxTokens !== undefined &&
    maxTokens !== null &&
    (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)
  ) {
    return { message: "max_tokens must be a positive integer", param: "max_tokens" };
  }
  return {
    model,
    messages: views,
    turn,
    lastUserText,
    imageCount,
    stream: body.stream === true,
    includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
    maxTokens: typeof maxTokens === "number" ? maxTokens : undefined,
    promptTokens: Math.ceil(characters / 4) + IMAGE_TOKENS * imageCount,
    ...(Number.isInteger(body.seed) ? { seed: body.seed as number } : {}),
  };
}

function readMessage(message: unknown, param: string): ChatMessageView | ChatRequestProblem {
  if (!isRecord(message)) return { message: `${param} must be an object`, param };
  const { role, content } = message;
  if (typeof role !== "string" || !ROLES.has(role)) {
    return { message: `${param}.role must be one of ${[...ROLES].join(", ")}`, param: `${param}.role` };
  }
  if (typeof content === "string") return { role, text: content, imageCount: 0 };
  // Assistant turns with tool calls carry no content.
  if (content === null || content === undefined) {
    return role === "assistant" || role === "tool"
      ? { role, text: "", imageCount: 0 }
      : { message: `${param}.content is required`, param: `${param}.content` };
  }
  if (!Array.isArray(content)) {
    return { message: `${param}.content must be a string or an array of parts`, param: `${param}.content` };
  }
  let text = "";
  let imageCount = 0;
  for (let index = 0; index < content.length; index++) {
    const part: unknown = content[index];
    const partParam = `${param}.content[${index}]`;
    if (!isRecord(part)) return { message: `${partParam} must be an object`, param: partParam };
    if (part.type === "text" && typeof part.text === "string") {
      text = text === "" ? part.text : `${text}\n${part.text}`;
    } else if (part.type === "image_url") {
      const problem = checkImage(part.image_url, `${partParam}.image_url`);
      if (problem) return problem;
      if (role !== "user")
        return { message: `${partParam}: only user messages may carry images`, param: partParam };
      imageCount++;
    } else {
      return {
        message: `${partParam}: unsupported content part ${JSON.stringify(part.type)}`,
        param: partParam,
      };
    }
  }
  return { role, text, imageCount };
}

function checkImage(imageUrl: unknown, param: string): ChatRequestProblem | undefined {
  const url = isRecord(imageUrl) ? imageUrl.url : undefined;
  if (typeof url !== "string") return { message: `${param}.url must be a string`, param: `${param}.url` };
  if (url.startsWith("data:") ? !DATA_IMAGE_URL.test(url) : !/^https?:\/\//.test(url)) {
    return {
      message: `${param}.url must be an http(s) URL or a base64 data:image/... URL`,
      param: `${param}.url`,
    };
  }
  return undefined;
}
