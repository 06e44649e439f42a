import { TargetError } from "../../errors.ts";
import { isRecord } from "../../http/json.ts";
import { redactSecrets } from "../../http/redact-secrets.ts";

/**
 * Reads an OpenAI-style SSE body into its JSON chunks, stopping at `data: [DONE]`. An error
 * event, a chunk that is not JSON, or a stream that stops before any finish reason is a
 * TargetError, so a broken upstream never passes for a finished answer.
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  secrets: readonly string[] = [],
): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder();
  let buffer = "";
  let finished = false;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let boundary = nextBoundary(buffer);
      while (boundary) {
        const block = buffer.slice(0, boundary.index);
        buffer = buffer.slice(boundary.index + boundary.length);
        const data = eventData(block);
        if (data === "[DONE]") return;
        if (data !== undefined) {
          const chunk = parseChunk(data, secrets);
          if (hasFinishReason(chunk)) finished = true;
          yield chunk;
        }
        boundary = nextBoundary(buffer);
      }
      if (done) break;
    }
    const rest = eventData(buffer);
    if (rest === "[DONE]") return;
    if (rest !== undefined) {
      const chunk = parseChunk(rest, secrets);
      if (hasFinishReason(chunk)) finished = true;
      yield chunk;
    }
    if (!finished) throw new TargetError("malformed", "upstream stream ended before the answer finished");
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

function nextBoundary(buffer: string): { index: number; length: number } | undefined {
  const match = /\r?\n\r?\n/.exec(buffer);
  return match ? { index: match.index, length: match[0].length } : undefined;
}

/** The joined `data:` lines of one event; comments and other fields are ignored. */
function eventData(block: string): string | undefined {
  let data: string | undefined;
  for (const line of block.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const value = line.slice(line[5] === " " ? 6 : 5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data?.trim() === "[DONE]" ? "[DONE]" : data;
}

function parseChunk(data: string, secrets: readonly string[]): Record<string, unknown> {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    throw new TargetError("malformed", "upstream stream carried a chunk that is not JSON");
  }
  if (!isRecord(chunk)) throw new TargetError("malformed", "upstream stream carried a non-object chunk");
  if (isRecord(chunk.error)) {
    const message = typeof chunk.error.message === "string" ? chunk.error.message : "unknown error";
    throw new TargetError("server", `upstream stream failed: ${redactSecrets(message, secrets)}`);
  }
  return chunk;
}

function hasFinishReason(chunk: Record<string, unknown>): boolean {
  return (
    Array.isArray(chunk.choices) &&
    chunk.choices.some((choice: unknown) => isRecord(choice) && typeof choice.finish_reason === "string")
  );
}
