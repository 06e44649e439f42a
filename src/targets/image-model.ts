import sharp from "sharp";
import type { ModelCaller, Target, TargetRequest, TargetResponse } from "../contracts/index.ts";
import { withHints } from "../engine/target-hints.ts";
import { InputError, TargetError } from "../errors.ts";
import { isRecord, parseJsonOrUndefined } from "../http/json.ts";
import { errorMessageOf } from "../http/openai-wire.ts";
import { redactedLine } from "../http/redact-secrets.ts";
import { parseRetryAfter, retryAfterApplies, statusKind } from "../http/status-kind.ts";
import { mapProviderError } from "./map-provider-error.ts";
import { nodeHttpFetch } from "./node-http-fetch.ts";
import { resolveApiKey, resolveBaseURL, resolveHeaders, type TargetConfig } from "./provider-spec.ts";

/** Image size asked for when the spec sets none (every OpenAI image model accepts it). */
export const DEFAULT_IMAGE_SIZE = "1024x1024";

/** Options of an images-API model. */
export interface ImageModelOptions {
  env: Record<string, string | undefined>;
  /** `WIDTHxHEIGHT` sent as `size` (default 1024x1024). */
  size?: string;
  /** Replaces the HTTP client (tests); default nodeHttpFetch. */
  fetch?: typeof fetch;
  /** Names the spec in errors (a flag or config field). */
  where?: string;
}

/**
 * A text-to-image model on an OpenAI-compatible images API, as a Target so its calls go through
 * the engine's call executor (stored by work key, resumed, cached by content, retried, counted
 * under the `image` role). `generate` sends the last user message's text as the prompt to
 * `POST {baseURL}/images/generations` (one image, `b64_json` answers) and returns the image's
 * base64 as the answer text, so the stored call holds the image itself: a resumed or cached
 * call gives the same bytes with no file to lose. The key stays in this closure.
 */
export function createImageModel(config: TargetConfig, options: ImageModelOptions): Target {
  if (config.provider !== "openai" && config.provider !== "openai-compatible")
    throw new InputError(
      `text-to-image models are reached through the OpenAI images API: use openai:<model> or openai-compatible:<model>@<url>, not ${config.provider}`,
      options.where ?? "provider",
    );
  const apiKey = resolveApiKey(config, options.env);
  const { headers, secrets: headerSecrets } = resolveHeaders(config.headers, options.env);
  const secrets = apiKey === undefined ? headerSecrets : [apiKey, ...headerSecrets];
  const baseURL = resolveBaseURL(config);
  const size = options.size ?? DEFAULT_IMAGE_SIZE;
  if (!/^\d+x\d+$/.test(size))
    throw new InputError(`size: expected WIDTHxHEIGHT, got ${size}`, options.where);
  const doFetch = options.fetch ?? nodeHttpFetch;
  const id = config.label ?? `${config.provider}:${config.model}`;
  const timeoutMs = config.timeoutMs ?? 300_000;
  // gpt-image models always answer base64 and reject response_format; others need it asked.
  const body = (prompt: string) =>
    JSON.stringify({
      model: config.model,
      prompt,
      n: 1,
      size,
      ...(config.model.startsWith("gpt-image") ? {} : { response_format: "b64_json" }),
    });

  async function generate(request: TargetRequest): Promise<TargetResponse> {
    const prompt = promptOf(request);
    if (prompt === "") throw new TargetError("client", `${id}: the image request has no prompt text`);
    const timeoutSignal = AbortSignal.timeout(request.timeoutMs ?? timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeoutSignal]) : timeoutSignal;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(`${baseURL}/images/generations`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
          ...headers,
        },
        body: body(prompt),
        signal,
      });
      text = await response.text();
    } catch (error) {
      throw mapProviderError(error, { signal: request.signal, timeoutSignal, secrets, targetId: id });
    }
    if (!response.ok) {
      const status = response.status;
      const detail = redactedLine(errorMessageOf(text) ?? text.slice(0, 200), secrets);
      const kind = statusKind(status);
      const retryAfterMs = parseRetryAfter(response.headers);
      throw new TargetError(
        kind,
        `${id}: HTTP ${status}${detail ? `: ${detail}` : ""}`,
        retryAfterApplies(kind) ? { status, retryAfterMs } : { status },
      );
    }
    const parsed = parseJsonOrUndefined(text);
    const base64 = await imageOfAnswer(parsed, id);
    const usage = usageOf(parsed);
    return { text: base64, usage, finishReason: "stop", modelId: config.model, warnings: [] };
  }

  const target: Target = {
    id,
    provider: config.provider,
    model: config.model,
    fingerprint: JSON.stringify({
      images: true,
      provider: config.provider,
      model: config.model,
      baseURL,
      size,
    }),
    params: {},
    capabilities: {
      vision: false,
      maxImages: 0,
      imageFallback: "error",
      imageLimits: { maxBytes: 0, maxDimension: 0, mediaTypes: [] },
    },
    generate,
  };
  return withHints(target, {
    endpoint: `images@${baseURL}`,
    isSimulator: false,
    concurrency: config.concurrency,
    timeoutMs,
  });
}

/** The prompt: the text parts of the last user message. */
function promptOf(request: TargetRequest): string {
  const last = request.messages.findLast((message) => message.role === "user");
  return (last?.content ?? [])
    .flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("\n")
    .trim();
}

/** The first image's base64 from an images answer, checked to decode as an image. */
async function imageOfAnswer(parsed: unknown, id: string): Promise<string> {
  const first = isRecord(parsed) && Array.isArray(parsed.data) ? parsed.data[0] : undefined;
  const base64 = isRecord(first) && typeof first.b64_json === "string" ? first.b64_json.trim() : "";
  if (base64 === "") throw new TargetError("malformed", `${id}: the images answer has no data[0].b64_json`);
  await decodeImage(base64).catch(() => {
    throw new TargetError("malformed", `${id}: data[0].b64_json is not a readable image`);
  });
  return base64;
}

/** The image bytes of a stored answer; throws when they are not an image sharp can read. */
export async function decodeImage(base64: string): Promise<Buffer> {
  const bytes = Buffer.from(base64, "base64");
  const metadata = await sharp(bytes).metadata();
  if (!metadata.width || !metadata.height) throw new Error("no image dimensions");
  return bytes;
}

/** The file extension for image bytes (png, jpg, webp or gif by their signature; png otherwise). */
export function imageExtension(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "jpg";
  if (
    bytes.subarray(0, 4).toString("latin1") === "RIFF" &&
    bytes.subarray(8, 12).toString("latin1") === "WEBP"
  )
    return "webp";
  if (bytes.subarray(0, 3).toString("latin1") === "GIF") return "gif";
  return "png";
}

/** gpt-image models report tokens (`usage.input_tokens`, `output_tokens`); others none. */
function usageOf(parsed: unknown): { inputTokens: number; outputTokens: number } {
  const usage = isRecord(parsed) ? parsed.usage : undefined;
  if (!isRecord(usage)) return { inputTokens: 0, outputTokens: 0 };
  const count = (value: unknown) => (typeof value === "number" && value >= 0 ? value : 0);
  return { inputTokens: count(usage.input_tokens), outputTokens: count(usage.output_tokens) };
}

/**
 * Asks `model` for one image through `caller` (the engine's, so the call is stored, resumed,
 * cached and counted under the `image` role) and returns its bytes.
 */
export async function generateImage(
  caller: ModelCaller,
  model: Target,
  prompt: string,
  step: string,
): Promise<Buffer> {
  const response = await caller.call(
    "image",
    model,
    { messages: [{ role: "user", content: [{ type: "text", text: prompt }] }] },
    step,
  );
  return decodeImage(response.text).catch(() => {
    throw new TargetError("malformed", `${model.id}: the stored image answer is not a readable image`);
  });
}
