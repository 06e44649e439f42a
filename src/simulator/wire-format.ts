import {
  type CompletionHeader,
  chatCompletion,
  completionChunk,
  errorBody as openAIErrorBody,
  SSE_DONE,
  sseEvent,
  usageChunk,
  type WireUsage,
} from "../http/openai-wire.ts";

export type { CompletionHeader, WireUsage };

/** Marks every simulator answer, so nobody mistakes it for a model. */
export const SIMULATOR_FINGERPRINT = "turnsafe-simulator";

/** A non-streaming `chat.completion` body (the header carries the simulator's `systemFingerprint`). */
export function completionBody(
  header: CompletionHeader,
  text: string,
  finishReason: string,
  usage: WireUsage,
): string {
  return JSON.stringify(chatCompletion(header, { role: "assistant", content: text }, finishReason, usage));
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
  let out = sseEvent(completionChunk(header, { role: "assistant", content: "" }, null));
  for (const piece of splitIntoPieces(text))
    out += sseEvent(completionChunk(header, { content: piece }, null));
  out += sseEvent(completionChunk(header, {}, finishReason));
  if (usage) out += sseEvent(usageChunk(header, usage));
  return out + SSE_DONE;
}

/** A body that claims success but cannot be parsed: cut-off JSON, or a stream with a broken chunk and no end. */
export function malformedBody(header: CompletionHeader, stream: boolean): string {
  const broken = `{"id":"${header.id}","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Sure, here`;
  if (!stream) return broken;
  const first = completionChunk(header, { role: "assistant", content: "" }, null);
  return `${sseEvent(first)}data: ${broken}\n\n`;
}

/** An OpenAI-shaped error body with the types OpenAI's own API sends (a 429 is of type `requests`). */
export function errorBody(status: number, message: string, code?: string | null): string {
  const type = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
  const defaultCode = status === 429 ? "rate_limit_exceeded" : null;
  return openAIErrorBody(status, message, { type, code: code === undefined ? defaultCode : code });
}

/** An OpenAI-shaped 400 body naming the offending parameter. */
export function invalidRequestBody(message: string, param: string | null): string {
  return openAIErrorBody(400, message, { param, code: "invalid_request" });
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
