/** Marks every simulator answer, so nobody mistakes it for a model. */
export const SIMULATOR_FINGERPRINT = "turnsafe-simulator";

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
}

/** A non-streaming `chat.completion` body. */
export function completionBody(
  header: CompletionHeader,
  text: string,
  finishReason: string,
  usage: WireUsage,
): string {
  return JSON.stringify({
    id: header.id,
    object: "chat.completion",
    created: header.created,
    model: header.model,
    system_fingerprint: SIMULATOR_FINGERPRINT,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage,
  });
}

/**
 * A whole SSE stream: the role, the text in small pieces, the finish reason, usage when asked,
 * then `[DONE]`. Built as one string because scripted latency comes before the first byte.
 */
export function streamBody(
  header: CompletionHeader,
  text: string,
  finishReason: string,
  usage: WireUsage | undefined,
): string {
  let out = event(chunk(header, { role: "assistant", content: "" }, null));
  for (const piece of splitIntoPieces(text)) out += event(chunk(header, { content: piece }, null));
  out += event(chunk(header, {}, finishReason));
  if (usage) out += event({ ...chunkFields(header), choices: [], usage });
  return `${out}data: [DONE]\n\n`;
}

/** A body that claims success but cannot be parsed: cut-off JSON, or a stream with a broken chunk and no end. */
export function malformedBody(header: CompletionHeader, stream: boolean): string {
  const broken = `{"id":"${header.id}","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Sure, here`;
  if (!stream) return broken;
  return `${event(chunk(header, { role: "assistant", content: "" }, null))}data: ${broken}\n\n`;
}

/** An OpenAI-shaped error body. */
export function errorBody(status: number, message: string, code?: string | null): string {
  const type = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
  const defaultCode = status === 429 ? "rate_limit_exceeded" : null;
  return JSON.stringify({
    error: { message, type, param: null, code: code === undefined ? defaultCode : code },
  });
}

/** An OpenAI-shaped 400 body naming the offending parameter. */
export function invalidRequestBody(message: string, param: string | null): string {
  return JSON.stringify({
    error: { message, type: "invalid_request_error", param, code: "invalid_request" },
  });
}

/** Splits text into pieces of a few words, keeping whitespace, so streams arrive in many chunks. */
export function splitIntoPieces(text: string, wordsPerPiece = 3): string[] {
  const words = text.match(/\s*\S+\s*/g);
  if (!words) return text === "" ? [] : [text];
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += wordsPerPiece) {
    pieces.push(words.slice(index, index + wordsPerPiece).join(""));
  }
  return pieces;
}

function chunkFields(header: CompletionHeader) {
  return {
    id: header.id,
    object: "chat.completion.chunk",
    created: header.created,
    model: header.model,
    system_fingerprint: SIMULATOR_FINGERPRINT,
  };
}

function chunk(header: CompletionHeader, delta: Record<string, string>, finishReason: string | null) {
  return {
    ...chunkFields(header),
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

function event(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}
