import type { Target, TargetRequest, TargetResponse } from "../../contracts/index.ts";
import { loadImage } from "../../dialogue/image-ref.ts";
import type { FetchPolicy } from "../../dialogue/safe-fetch.ts";
import { withHints } from "../../engine/target-hints.ts";
import { ConfigError, ImageError, TargetError } from "../../errors.ts";
import { parseJsonOrUndefined } from "../../http/json.ts";
import { errorMessageOf } from "../../http/openai-wire.ts";
import { redactedLine } from "../../http/redact-secrets.ts";
import { parseRetryAfter, retryAfterApplies, statusKind } from "../../http/status-kind.ts";
import { mapProviderError } from "../../targets/map-provider-error.ts";

/** Where the public OpenAI API lives. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";
/** The multimodal moderation model. */
export const OPENAI_MODERATION_MODEL = "omni-moderation-latest";

/** Options of the moderation endpoint target. */
export interface OpenAIModerationTargetOptions {
  /** Where API keys are looked up; nothing is read from process.env directly. */
  env: Record<string, string | undefined>;
  /** Environment variable holding the key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
  baseURL?: string;
  model?: string;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Images per request; omni-moderation reads one image per request (default 1). */
  maxImagesPerRequest?: number;
  imageFetchPolicy?: FetchPolicy;
  concurrency?: number;
}

/** One multimodal input item of the moderation endpoint. */
export type ModerationInputItem =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string } };

/**
 * The moderation endpoint as a Target, so its calls go through the engine (cache, retries,
 * resume, usage counted under the moderator role) like any model call. `generate` takes one
 * user message whose text and image parts become the `input` array, POSTs
 * `{baseURL}/moderations` and returns the response body (JSON text) unchanged. The key stays in
 * this closure: it never reaches id, endpoint, fingerprint or error messages.
 */
export function createOpenAIModerationTarget(options: OpenAIModerationTargetOptions): Target {
  const variable = options.apiKeyEnv ?? "OPENAI_API_KEY";
  const apiKey = options.env[variable]?.trim();
  if (!apiKey)
    throw new ConfigError(`openai-moderation needs an API key: set the environment variable ${variable}`);
  const baseURL = (options.baseURL ?? OPENAI_BASE_URL).replace(/\/+$/, "");
  const model = options.model ?? OPENAI_MODERATION_MODEL;
  const doFetch = options.fetch ?? fetch;
  const id = `openai-moderation:${model}`;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxImages = options.maxImagesPerRequest ?? 1;

  async function generate(request: TargetRequest): Promise<TargetResponse> {
    const input = await toModerationInput(request, options.imageFetchPolicy);
    const timeoutSignal = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeoutSignal]) : timeoutSignal;
    let response: Response;
    let body: string;
    try {
      response = await doFetch(`${baseURL}/moderations`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model, input }),
        signal,
      });
      body = await response.text();
    } catch (error) {
      throw mapProviderError(error, {
        signal: request.signal,
        timeoutSignal,
        secrets: [apiKey as string],
        targetId: id,
      });
    }
    if (!response.ok) throw statusError(response, body, id, apiKey as string);
    const parsed = parseJsonOrUndefined(body);
    if (parsed === undefined)
      throw new TargetError(
        "malformed",
        `${id}: the moderation endpoint answered with text that is not JSON`,
      );
    const served = (parsed as { model?: unknown }).model;
    return {
      text: body,
      // The endpoint is free and reports no tokens.
      usage: { inputTokens: 0, outputTokens: 0 },
      finishReason: "stop",
      modelId: typeof served === "string" ? served : model,
      warnings: [],
    };
  }

  const target: Target = {
    id,
    provider: "openai-moderation",
    model,
    params: {},
    capabilities: {
      vision: true,
      maxImages,
      imageFallback: "error",
      imageLimits: {
        maxBytes: 20 * 1024 * 1024,
        maxDimension: 2048,
        mediaTypes: ["image/png", "image/jpeg"],
      },
    },
    fingerprint: JSON.stringify({ provider: "openai-moderation", model, baseURL }),
    generate,
  };
  return withHints(target, {
    endpoint: `openai-moderation@${baseURL}`,
    isSimulator: false,
    concurrency: options.concurrency,
    timeoutMs,
  });
}

/** The `input` array: text parts as text, images as URLs (http(s) passed on, others as data URLs). */
async function toModerationInput(
  request: TargetRequest,
  fetchPolicy: FetchPolicy | undefined,
): Promise<ModerationInputItem[]> {
  const input: ModerationInputItem[] = [];
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === "text") {
        if (part.text !== "") input.push({ type: "text", text: part.text });
        continue;
      }
      const ref = part.image;
      if (ref.url && /^https?:\/\//i.test(ref.url)) {
        input.push({ type: "image_url", image_url: { url: ref.url } });
        continue;
      }
      try {
        const loaded = await loadImage(ref, {
          baseDir: request.imageBaseDir,
          fetchPolicy,
          signal: request.signal,
        });
        input.push({
          type: "image_url",
          image_url: { url: `data:${loaded.mediaType};base64,${loaded.bytes.toString("base64")}` },
        });
      } catch (error) {
        if (error instanceof ImageError) throw new TargetError("client", error.message);
        throw error;
      }
    }
  }
  return input;
}

function statusError(response: Response, body: string, id: string, apiKey: string): TargetError {
  const status = response.status;
  // An OpenAI error's message; any other body is shown only in part.
  const detail = redactedLine(errorMessageOf(body) ?? body.slice(0, 200), [apiKey]);
  const message = `${id}: HTTP ${status}${detail ? `: ${detail}` : ""}`;
  const kind = statusKind(status);
  const retryAfterMs = parseRetryAfter(response.headers);
  return new TargetError(kind, message, retryAfterApplies(kind) ? { status, retryAfterMs } : { status });
}
