import { TargetError } from "../../errors.ts";
import {
  type CompletionHeader,
  completionChunk,
  errorObject,
  SSE_DONE,
  SSE_HEADERS,
  sseEvent,
} from "../../http/openai-wire.ts";
import { redactSecrets, redactSecretsDeep, secretPrefixAtEnd } from "../../http/redact-secrets.ts";
import { AnswerText } from "./answer-text.ts";
import { blockedStreamText, blockReason } from "./guard-responses.ts";
import type { SideDecision } from "./moderate-side.ts";

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

/** Where checked windows of a stream may end (see {@link GuardStreamOptions.boundary}). */
export type StreamBoundary = "sentence" | "window";

/** What {@link guardStream} needs. */
export interface GuardStreamOptions {
  chunks: AsyncIterable<Record<string, unknown>>;
  /**
   * 0 holds the whole answer back until it is complete and checked. N > 0 releases the answer
   * in windows: each time N more characters have arrived, the whole answer so far is checked
   * and, if still safe, released; nothing unchecked ever reaches the client.
   */
  windowChars: number;
  /**
   * Where a checked window may be released: `sentence` (default) only up to the last chunk
   * that ends a sentence or line (in every field of every choice), so no part of a sentence is
   * released before the whole sentence was checked; text without sentence ends waits for the
   * end of the answer. `window` releases every checked chunk.
   */
  boundary?: StreamBoundary;
  /** Strings (the upstream key) never relayed, even when the upstream echoes them. */
  secrets?: readonly string[];
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
    const secrets = options.secrets ?? [];
    const sentenceAware = (options.boundary ?? "sentence") === "sentence";
    const run = async () => {
      let header = options.header;
      let sawHeader = false;
      /** Events not yet sent, each with whether a window may end after it. */
      let pending: { event: string; releasable: boolean }[] = [];
      const answer = new AnswerText();
      let checkedLength = -1;
      const check = async (): Promise<boolean> => {
        const text = answer.text();
        // Each chunk was scrubbed; a key that still shows was split across chunks.
        if (secrets.some((secret) => secret !== "" && text.includes(secret)))
          throw new TargetError(
            "malformed",
            "the upstream answer contained the upstream key; it was withheld",
          );
        const decision = await options.check(text);
        result.decision = decision;
        result.checks++;
        result.checkMs += decision.latencyMs;
        checkedLength = answer.length;
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
      /** Sends the checked events up to the last window boundary (all of them at the end). */
      const release = (all: boolean) => {
        let count = pending.length;
        if (!all) {
          while (count > 0 && !pending[count - 1]?.releasable) count--;
          if (count === 0) return;
        }
        start({});
        for (const entry of pending.slice(0, count)) write(entry.event);
        pending = pending.slice(count);
      };
      for await (const received of options.chunks) {
        if (cancelled) break;
        const chunk = secrets.length > 0 ? redactSecretsDeep(received, secrets) : received;
        if (!sawHeader && typeof chunk.id === "string") {
          header = {
            id: chunk.id,
            created: Number(chunk.created) || header.created,
            model: String(chunk.model ?? header.model),
          };
          sawHeader = true;
        }
        answer.add(chunk);
        pending.push({
          event: sseEvent(chunk),
          releasable:
            (!sentenceAware || answer.atSentenceEnd()) && !secretPrefixAtEnd(answer.lastSegment(), secrets),
        });
        if (options.windowChars > 0 && answer.length - Math.max(checkedLength, 0) >= options.windowChars) {
          if (!(await check())) return;
          release(false);
        }
      }
      if (cancelled) return;
      if (checkedLength !== answer.length && !(await check())) return;
      release(true);
      write(SSE_DONE);
      end();
    };
    run()
      .catch((error: unknown) => {
        result.error = error;
        if (!started) return reject(error);
        const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
        write(sseEvent({ error: errorObject(502, message, { code: "upstream_error" }) }));
        end();
      })
      .finally(() => {
        result.cancelled = cancelled;
        options.onDone(result);
      });
  });
}
