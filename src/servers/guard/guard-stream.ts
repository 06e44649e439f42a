import {
  blockedStreamText,
  blockReason,
  type CompletionHeader,
  completionChunk,
  SSE_DONE,
  SSE_HEADERS,
  sseEvent,
} from "./guard-responses.ts";
import type { SideDecision } from "./moderate-side.ts";
import { isRecord } from "./openai-chat-request.ts";

/** How a guarded stream ended, for the audit log and metrics. */
export interface GuardedStreamResult {
  /** The last assistant-side decision (the blocking one when the stream was cut). */
  decision: SideDecision | null;
  checks: number;
  checkMs: number;
  /** The upstream failure, when the upstream broke; the stream then ends with an error event. */
  error: unknown;
  /** True when the client went away before the end. */
  cancelled: boolean;
}

/** What {@link guardStream} needs. */
export interface GuardStreamOptions {
  chunks: AsyncIterable<Record<string, unknown>>;
  /**
   * 0 holds the whole answer back until it is complete and checked. N > 0 releases the answer
   * in windows: each time N more characters have arrived, the whole answer so far is checked
   * and, if still safe, released; nothing unchecked ever reaches the client.
   */
  windowChars: number;
  /** Moderates the conversation plus the assistant text so far. */
  check(assistantText: string): Promise<SideDecision>;
  refusal: string;
  requestId: string;
  /** Used for the refusal chunks when the upstream sent none to copy the id and model from. */
  header: CompletionHeader;
  responseHeaders: Record<string, string>;
  /** Called once, when the stream has ended one way or another. */
  onDone(result: GuardedStreamResult): void;
  /** Stops the upstream request (the client went away). */
  abort(): void;
}

/**
 * Relays an upstream stream under moderation (the strategy is documented in README.md).
 * Resolves with the SSE response once there is something to send: the first checked window,
 * or the refusal stream. Rejects with the upstream error when it fails before anything was
 * released, so the caller can still answer with a proper HTTP error.
 */
export function guardStream(options: GuardStreamOptions): Promise<Response> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
    },
    cancel() {
      cancelled = true;
      options.abort();
    },
  });
  const write = (text: string) => {
    if (cancelled) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      cancelled = true;
    }
  };
  const end = () => {
    if (cancelled) return;
    try {
      controller.close();
    } catch {
      cancelled = true;
    }
  };

  return new Promise<Response>((resolve, reject) => {
    let started = false;
    const start = (headers: Record<string, string>) => {
      if (started) return;
      started = true;
      resolve(
        new Response(body, {
          status: 200,
          headers: { ...SSE_HEADERS, ...options.responseHeaders, ...headers },
        }),
      );
    };
    const result: GuardedStreamResult = {
      decision: null,
      checks: 0,
      checkMs: 0,
      error: null,
      cancelled: false,
    };
    const run = async () => {
      let header = options.header;
      let sawHeader = false;
      let pending: string[] = [];
      let text = "";
      let checkedLength = -1;
      const check = async (): Promise<boolean> => {
        const decision = await options.check(text);
        result.decision = decision;
        result.checks++;
        result.checkMs += decision.latencyMs;
        checkedLength = text.length;
        if (decision.outcome !== "blocked") return true;
        const reason = blockReason(decision, options.requestId);
        if (!started) {
          start({ "x-turnsafe-blocked": "assistant" });
          write(blockedStreamText(header, options.refusal, reason));
        } else {
          // Part of the answer is already out (each part was checked); the rest is cut off here.
          write(
            sseEvent(
              completionChunk(header, { content: `\n\n${options.refusal}` }, "content_filter", {
                turnsafe: reason,
              }),
            ),
          );
          write(SSE_DONE);
        }
        end();
        return false;
      };
      const release = () => {
        start({});
        for (const event of pending) write(event);
        pending = [];
      };
      for await (const chunk of options.chunks) {
        if (cancelled) break;
        if (!sawHeader && typeof chunk.id === "string") {
          header = {
            id: chunk.id,
            created: Number(chunk.created) || header.created,
            model: String(chunk.model ?? header.model),
          };
          sawHeader = true;
        }
        pending.push(sseEvent(chunk));
        text += deltaText(chunk);
        if (options.windowChars > 0 && text.length - Math.max(checkedLength, 0) >= options.windowChars) {
          if (!(await check())) return;
          release();
        }
      }
      if (cancelled) return;
      if (checkedLength !== text.length && !(await check())) return;
      release();
      write(SSE_DONE);
      end();
    };
    run()
      .catch((error: unknown) => {
        result.error = error;
        if (!started) return reject(error);
        const message = error instanceof Error ? error.message : String(error);
        write(sseEvent({ error: { message, type: "server_error", param: null, code: "upstream_error" } }));
        end();
      })
      .finally(() => {
        result.cancelled = cancelled;
        options.onDone(result);
      });
  });
}

/** The text a chunk adds to the answer: content, refusal text and tool-call pieces. */
export function deltaText(chunk: Record<string, unknown>): string {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return "";
  let out = "";
  for (const choice of choices) {
    const delta = isRecord(choice) && isRecord(choice.delta) ? choice.delta : undefined;
    if (!delta) continue;
    if (typeof delta.content === "string") out += delta.content;
    if (typeof delta.refusal === "string") out += delta.refusal;
    if (Array.isArray(delta.tool_calls))
      for (const call of delta.tool_calls) {
        const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
        if (typeof fn?.name === "string") out += `[tool call ${fn.name}] `;
        if (typeof fn?.arguments === "string") out += fn.arguments;
      }
  }
  return out;
}
