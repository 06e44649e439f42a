import { randomUUID } from "node:crypto";
import type { GenerationParams, Target } from "../../contracts/index.ts";
import { TargetError } from "../../errors.ts";
import { isRecord } from "../../http/json.ts";
import {
  type CompletionHeader,
  chatCompletion,
  completionChunk,
  errorMessageOf,
  usageChunk,
  type WireObject,
} from "../../http/openai-wire.ts";
import { redactSecrets } from "../../http/redact-secrets.ts";
import { parseRetryAfter, statusKind } from "../../http/status-kind.ts";
import { nodeHttpFetch } from "../../targets/node-http-fetch.ts";
import type { GuardChatRequest } from "./openai-chat-request.ts";
import { readServerSentEvents } from "./server-sent-events.ts";

export type { WireObject };

/** Where the guard forwards allowed requests. Failures are TargetErrors carrying the upstream status. */
export interface GuardUpstream {
  /** Names the upstream in logs and the audit log; never holds a key. */
  readonly description: string;
  /** A non-streamed `chat.completion`. */
  complete(request: GuardChatRequest, signal: AbortSignal): Promise<WireObject>;
  /** The `chat.completion.chunk` objects of a streamed answer, without the final `[DONE]`. */
  stream(request: GuardChatRequest, signal: AbortSignal): Promise<AsyncIterable<WireObject>>;
  /** The `/v1/models` list. */
  listModels(signal: AbortSignal): Promise<WireObject>;
}

/** An OpenAI-compatible HTTP upstream. */
export interface HttpUpstreamOptions {
  /** Base URL ending before `/chat/completions`, e.g. `http://127.0.0.1:8000/v1`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer`; kept in this closure and scrubbed from every error. */
  apiKey?: string;
  /** How long the upstream may take to answer (default {@link DEFAULT_UPSTREAM_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Defaults to turnsafe's keep-alive node:http fetch, which costs far less CPU than the built-in one. */
  fetch?: typeof fetch;
}

const MAX_ERROR_BODY = 64 * 1024;

/** Default time an upstream may take to answer (a long streamed answer included). */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 300_000;

/**
 * Forwards requests verbatim (tools, sampling settings and all) to an OpenAI-compatible
 * server, adding the upstream key server-side. The client's own Authorization header is
 * never forwarded.
 */
export function createHttpUpstream(options: HttpUpstreamOptions): GuardUpstream {
  const baseURL = options.baseURL.replace(/\/+$/, "");
  const doFetch = options.fetch ?? nodeHttpFetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const secrets = options.apiKey ? [options.apiKey] : [];
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  async function send(path: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    const combined = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    let response: Response;
    try {
      response = await doFetch(`${baseURL}${path}`, { ...init, headers, signal: combined });
    } catch (error) {
      if (signal.aborted) throw new TargetError("aborted", "the client went away");
      if (combined.aborted) throw new TargetError("timeout", `upstream did not answer in ${timeoutMs} ms`);
      throw new TargetError(
        "network",
        redactSecrets(`upstream unreachable: ${causeMessage(error)}`, secrets),
      );
    }
    if (!response.ok) throw await upstreamError(response, secrets);
    return response;
  }

  return {
    description: `openai-compatible@${safeUrl(baseURL)}`,
    async complete(request, signal) {
      const response = await send(
        "/chat/completions",
        { method: "POST", body: JSON.stringify({ ...request.body, stream: false }) },
        signal,
      );
      const body = await readJson(response, secrets);
      if (!Array.isArray(body.choices))
        throw new TargetError("malformed", "upstream answer has no choices", { status: 502 });
      return body;
    },
    async stream(request, signal) {
      const response = await send(
        "/chat/completions",
        { method: "POST", body: JSON.stringify({ ...request.body, stream: true }) },
        signal,
      );
      if (!response.body) throw new TargetError("malformed", "upstream sent an empty stream");
      return readServerSentEvents(response.body, secrets);
    },
    async listModels(signal) {
      const response = await send("/models", { method: "GET" }, signal);
      return readJson(response, secrets);
    },
  };
}

/**
 * Serves allowed requests from any turnsafe Target (a provider spec through
 * createProviderTarget). Providers are called without streaming, so a streamed answer
 * arrives as one chunk once the whole reply is known.
 */
export function createTargetUpstream(target: Target): GuardUpstream {
  async function generate(request: GuardChatRequest, signal: AbortSignal) {
    const response = await target.generate({
      messages: request.dialogue.messages,
      params: generationParams(request.body),
      signal,
    });
    const header: CompletionHeader = {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: response.modelId || target.model,
    };
    const usage = {
      prompt_tokens: response.usage.inputTokens,
      completion_tokens: response.usage.outputTokens,
      total_tokens: response.usage.inputTokens + response.usage.outputTokens,
    };
    return { header, text: response.text, finishReason: wireFinishReason(response.finishReason), usage };
  }
  return {
    description: target.id,
    async complete(request, signal) {
      const { header, text, finishReason, usage } = await generate(request, signal);
      return chatCompletion(header, { role: "assistant", content: text }, finishReason, usage);
    },
    async stream(request, signal) {
      const { header, text, finishReason, usage } = await generate(request, signal);
      const chunks = [
        completionChunk(header, { role: "assistant", content: text }, null),
        completionChunk(header, {}, finishReason),
      ];
      const options = request.body.stream_options;
      if (isRecord(options) && options.include_usage === true) chunks.push(usageChunk(header, usage));
      return (async function* () {
        yield* chunks;
      })();
    },
    async listModels() {
      return {
        object: "list",
        data: [{ id: target.model, object: "model", created: 0, owned_by: target.provider }],
      };
    },
  };
}

/** Sampling settings of an OpenAI body, for targets that take turnsafe's GenerationParams. */
function generationParams(body: WireObject): GenerationParams {
  const params: GenerationParams = {};
  if (typeof body.temperature === "number") params.temperature = body.temperature;
  if (typeof body.top_p === "number") params.topP = body.top_p;
  if (typeof body.seed === "number") params.seed = body.seed;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === "number") params.maxOutputTokens = maxTokens;
  if (typeof body.stop === "string") params.stopSequences = [body.stop];
  else if (Array.isArray(body.stop)) params.stopSequences = body.stop.filter((s) => typeof s === "string");
  return params;
}

function wireFinishReason(reason: string): string {
  if (reason === "tool-calls") return "tool_calls";
  if (reason === "content-filter") return "content_filter";
  return reason === "length" ? "length" : "stop";
}

async function readJson(response: Response, secrets: readonly string[]): Promise<WireObject> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new TargetError(
      "malformed",
      redactSecrets(`upstream sent invalid JSON: ${causeMessage(error)}`, secrets),
    );
  }
  if (!isRecord(body)) throw new TargetError("malformed", "upstream sent JSON that is not an object");
  return body;
}

async function upstreamError(response: Response, secrets: readonly string[]): Promise<TargetError> {
  const text = (await response.text().catch(() => "")).slice(0, MAX_ERROR_BODY);
  // A body that is not an OpenAI error: the status alone says enough; raw bodies are not relayed.
  const detail = errorMessageOf(text);
  const message = `upstream answered HTTP ${response.status}${detail === undefined ? "" : `: ${detail}`}`;
  return new TargetError(statusKind(response.status), redactSecrets(message, secrets), {
    status: response.status,
    retryAfterMs: parseRetryAfter(response.headers),
  });
}

function causeMessage(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const inner = cause instanceof Error ? cause : error;
  return inner instanceof Error ? (inner.message.split("\n")[0] ?? inner.name) : String(inner);
}

function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    return parsed.href.replace(/\/+$/, "");
  } catch {
    return "<invalid url>";
  }
}
