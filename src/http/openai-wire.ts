import { isRecord, parseJsonOrUndefined } from "./json.ts";

/** An OpenAI-shaped JSON object (a completion, a chunk, a model list). */
export type WireObject = Record<string, unknown>;

/** Token counts in OpenAI's shape. */
export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The fields every completion body and chunk repeats. */
export interface CompletionHeader {
  id: string;
  created: number;
  model: string;
  /** Sent as `system_fingerprint` when set (the simulator labels itself with it). */
  systemFingerprint?: string;
}

/** The assistant message of a completion. */
export interface WireMessage {
  role: "assistant";
  content: string;
  refusal?: string | null;
}

/** A `chat.completion` with one choice; `extra` fields (e.g. `turnsafe`) come last. */
export function chatCompletion(
  header: CompletionHeader,
  message: WireMessage,
  finishReason: string,
  usage: unknown,
  extra?: WireObject,
): WireObject {
  const body = headerFields(header, "chat.completion");
  body.choices = [{ index: 0, message, logprobs: null, finish_reason: finishReason }];
  body.usage = usage;
  return extra === undefined ? body : Object.assign(body, extra);
}

/** One `chat.completion.chunk` with one choice; `extra` fields (e.g. `turnsafe`) come last. */
export function completionChunk(
  header: CompletionHeader,
  delta: Record<string, unknown>,
  finishReason: string | null,
  extra?: WireObject,
): WireObject {
  const chunk = headerFields(header, "chat.completion.chunk");
  chunk.choices = [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
  return extra === undefined ? chunk : Object.assign(chunk, extra);
}

/** The last chunk of a stream whose client asked for `stream_options.include_usage`. */
export function usageChunk(header: CompletionHeader, usage: unknown): WireObject {
  const chunk = headerFields(header, "chat.completion.chunk");
  chunk.choices = [];
  chunk.usage = usage;
  return chunk;
}

function headerFields(header: CompletionHeader, object: string): WireObject {
  const fields: WireObject = { id: header.id, object, created: header.created, model: header.model };
  if (header.systemFingerprint !== undefined) fields.system_fingerprint = header.systemFingerprint;
  return fields;
}

/** Response headers of a server-sent event stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
};

/** One SSE event carrying a JSON value. */
export function sseEvent(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** The event that ends an OpenAI stream. */
export const SSE_DONE = "data: [DONE]\n\n";

/** Options of an OpenAI-shaped error body. */
export interface ErrorBodyOptions {
  /** Defaults to {@link errorType} of the status. */
  type?: string;
  code?: string | null;
  param?: string | null;
}

/** The `error.type` turnsafe's servers send for a status. */
export function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** An OpenAI-shaped error body: `{"error":{"message","type","param","code"}}`. */
export function errorBody(status: number, message: string, options: ErrorBodyOptions = {}): string {
  return JSON.stringify({ error: errorObject(status, message, options) });
}

/** The `error` object of an error body (also sent alone as an SSE event when a stream fails). */
export function errorObject(status: number, message: string, options: ErrorBodyOptions = {}): WireObject {
  return {
    message,
    type: options.type ?? errorType(status),
    param: options.param ?? null,
    code: options.code ?? null,
  };
}

/** `error.message` of an OpenAI-shaped error body, or undefined when the text has none. */
export function errorMessageOf(text: string): string | undefined {
  const parsed = parseJsonOrUndefined(text);
  const error = isRecord(parsed) ? parsed.error : undefined;
  return isRecord(error) && typeof error.message === "string" ? error.message : undefined;
}
