import type { LanguageModelV3, LanguageModelV3GenerateResult, SharedV3Warning } from "@ai-sdk/provider";
import type { GenerationParams, Target, TargetRequest, TargetResponse } from "../contracts/index.ts";
import type { FetchPolicy } from "../dialogue/safe-fetch.ts";
import { withHints } from "../engine/target-hints.ts";
import { ImageError, TargetError } from "../errors.ts";
import { SIMULATOR_FINGERPRINT } from "../simulator/wire-format.ts";
import { deadline } from "../util/deadline.ts";
import { mapProviderError } from "./map-provider-error.ts";
import { nodeHttpFetch } from "./node-http-fetch.ts";
import { resolveCapabilities } from "./provider-limits.ts";
import { resolveApiKey, resolveBaseURL, resolveHeaders, type TargetConfig } from "./provider-spec.ts";
import { parseRateLimitHeaders } from "./rate-limit-headers.ts";
import { toModelPrompt } from "./to-model-prompt.ts";

/** How long one call may take when the config sets no timeoutMs. */
export const DEFAULT_TIMEOUT_MS = 300_000;

/** What a provider target needs from its caller; nothing is read from globals. */
export interface ProviderTargetOptions {
  /** Where API keys and `${VAR}` header references are looked up. */
  env: Record<string, string | undefined>;
  simulator?: boolean;
  /** Replaces the HTTP client (tests, proxies); default: nodeHttpFetch (keep-alive node:http). */
  fetch?: typeof fetch;
  /** Whether and how image URLs in dialogues may be fetched. */
  imageFetchPolicy?: FetchPolicy;
}

/** A Target backed by an AI SDK provider (its registered hints always carry a time limit). */
export interface ProviderTarget extends Target {
  readonly baseURL: string;
}

/**
 * Builds a target for a parsed config. Keys and header values are read from `options.env`
 * once, kept in this closure only and never reach id, endpoint, fingerprint or errors.
 * One call to `generate` is one HTTP request: the engine owns retries.
 */
export function createProviderTarget(config: TargetConfig, options: ProviderTargetOptions): ProviderTarget {
  const apiKey = resolveApiKey(config, options.env);
  const { headers, secrets: headerSecrets } = resolveHeaders(config.headers, options.env);
  const secrets = apiKey === undefined ? headerSecrets : [apiKey, ...headerSecrets];
  const baseURL = resolveBaseURL(config);
  // The provider's package loads on the first call: a run pays memory only for those it uses.
  let model: Promise<LanguageModelV3> | undefined;
  const loadModel = () =>
    (model ??= createModel(config, { apiKey, baseURL, headers, fetch: options.fetch ?? nodeHttpFetch }));
  const id = config.label ?? `${config.provider}:${config.model}`;
  const params = withoutUndefined(config.params ?? {});
  const capabilities = resolveCapabilities(config.provider, config.capabilities);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function generate(request: TargetRequest): Promise<TargetResponse> {
    if (request.signal?.aborted)
      throw mapProviderError(request.signal.reason, { signal: request.signal, targetId: id });
    const converted = await toModelPrompt(request.messages, capabilities, {
      baseDir: request.imageBaseDir,
      maxImageBytes: request.imageMaxBytes,
      fetchPolicy: options.imageFetchPolicy,
      signal: request.signal,
    }).catch((error: unknown) => {
      if (error instanceof TargetError || error instanceof ImageError) throw error;
      throw mapProviderError(error, { signal: request.signal, secrets, targetId: id });
    });
    const settings = withoutUndefined({ ...params, ...request.params });
    const limit = deadline(request.signal, request.timeoutMs ?? timeoutMs);
    try {
      // The provider's model is called directly, as generateText would call it for one step
      // (the engine owns retries, and the prompt is built and checked here). generateText's own
      // per-call work (prompt re-validation, step bookkeeping, result wrapping) cost 100-200 us of
      // CPU per call, more than all of turnsafe's engine; see docs/architecture.md.
      const result = await (await loadModel()).doGenerate({
        prompt: converted.prompt,
        abortSignal: limit.signal,
        ...settings,
      });
      return {
        text: textOf(result),
        usage: {
          inputTokens: result.usage.inputTokens.total ?? 0,
          outputTokens: result.usage.outputTokens.total ?? 0,
        },
        finishReason: result.finishReason.unified,
        modelId: servedModelId(result.response) ?? config.model,
        warnings: [...converted.warnings, ...result.warnings.map(formatWarning)],
        rateLimit: parseRateLimitHeaders(result.response?.headers),
        ...(labelledBySimulator(result.response) ? { simulator: true } : {}),
      };
    } catch (error) {
      const timedOut = limit.timedOut() ? limit.signal : undefined;
      throw mapProviderError(error, {
        signal: request.signal,
        timeoutSignal: timedOut,
        secrets,
        targetId: id,
      });
    } finally {
      limit.dispose();
    }
  }

  const target: ProviderTarget = {
    id,
    provider: config.provider,
    model: config.model,
    params,
    fingerprint: stableJson({ provider: config.provider, model: config.model, baseURL, params }),
    capabilities,
    baseURL,
    generate,
  };
  return withHints(target, {
    endpoint: `${config.provider}@${baseURL}`,
    isSimulator: options.simulator ?? false,
    concurrency: config.concurrency,
    timeoutMs,
    enforcesTimeout: true,
  });
}

async function createModel(
  config: TargetConfig,
  settings: {
    apiKey: string | undefined;
    baseURL: string;
    headers: Record<string, string>;
    fetch?: typeof fetch;
  },
): Promise<LanguageModelV3> {
  // baseURL and apiKey are always passed so the SDK never falls back to process.env.
  const common = { baseURL: settings.baseURL, headers: settings.headers, fetch: settings.fetch };
  switch (config.provider) {
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      return createOpenAI({ ...common, apiKey: settings.apiKey }).chat(config.model);
    }
    case "anthropic": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      return createAnthropic({ ...common, apiKey: settings.apiKey })(config.model);
    }
    case "google": {
      const { createGoogleGenerativeAI } = await import("@ai-sdk/google");
      return createGoogleGenerativeAI({ ...common, apiKey: settings.apiKey })(config.model);
    }
    case "openai-compatible": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      return createOpenAICompatible({
        ...common,
        name: "openai-compatible",
        apiKey: settings.apiKey,
        includeUsage: true,
      }).chatModel(config.model);
    }
  }
}

/** The answer's text: its text parts in order (reasoning, sources and files are not the answer). */
function textOf(result: LanguageModelV3GenerateResult): string {
  let text = "";
  for (const part of result.content) if (part.type === "text") text += part.text;
  return text;
}

/** The model version that answered; Google reports it only in the raw body, which the SDK does not read. */
function servedModelId(response: LanguageModelV3GenerateResult["response"]): string | undefined {
  const version = (response?.body as { modelVersion?: unknown } | undefined)?.modelVersion;
  if (typeof version === "string" && version !== "") return version;
  return response?.modelId || undefined;
}

/** Whether an answer carries the simulator's label (see src/simulator/README.md). */
function labelledBySimulator(response: LanguageModelV3GenerateResult["response"]): boolean {
  if (response?.headers?.["x-turnsafe-simulator"] !== undefined) return true;
  return (
    (response?.body as { system_fingerprint?: unknown } | undefined)?.system_fingerprint ===
    SIMULATOR_FINGERPRINT
  );
}

function formatWarning(warning: SharedV3Warning): string {
  if (warning.type === "other") return warning.message;
  const label = warning.type === "unsupported" ? "unsupported" : "compatibility mode";
  return `${label}: ${warning.feature}${warning.details ? ` (${warning.details})` : ""}`;
}

function withoutUndefined(params: GenerationParams): GenerationParams {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

/** JSON with object keys sorted at every level, so equal configs give equal fingerprints. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
