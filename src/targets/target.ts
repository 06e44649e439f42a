import type { Message } from "../dialogue/dialogue.ts";
import type { ImageLimits } from "../dialogue/image-ref.ts";

/** Sampling settings passed to a model; unset fields use the provider's defaults. */
export interface GenerationParams {
  temperature?: number;
  maxOutputTokens?: number;
  topP?: number;
  seed?: number;
  stopSequences?: string[];
}

/** What a target declares it can take. */
export interface TargetCapabilities {
  vision: boolean;
  maxImages: number;
  imageLimits: ImageLimits;
  /** What to do with images sent to a target without vision: fail, or replace each by a text marker. */
  imageFallback: "error" | "text-marker";
}

/** Token counts of one call. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** One request to a target: the conversation so far; the target answers the last user turn. */
export interface TargetRequest {
  messages: Message[];
  params?: GenerationParams;
  signal?: AbortSignal;
  /** Resolves relative image paths. */
  imageBaseDir?: string;
}

/** A target's answer. `warnings` records anything changed on the way (a dropped setting, a resized image). */
export interface TargetResponse {
  text: string;
  usage: Usage;
  finishReason: string;
  modelId: string;
  warnings: string[];
}

/** A model endpoint (or a wrapped one) that answers conversations. */
export interface Target {
  /** Display identity, e.g. `openai:gpt-4o-mini` or `openai:gpt-4o-mini+self-reminder`. */
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  /** Requests sharing an endpoint share its concurrency limit and 429 slow-down. */
  readonly endpoint: string;
  readonly capabilities: TargetCapabilities;
  /** Default generation parameters, overridden per request. */
  readonly params: GenerationParams;
  /** True when this is the scripted simulator, which is no model. */
  readonly isSimulator: boolean;
  /** Requests in flight at once on this target's endpoint; unset leaves it to the engine's default. */
  readonly concurrency?: number;
  /** Time limit of one request; unset leaves it to the engine's default. */
  readonly timeoutMs?: number;
  /** Everything that changes what the target answers; part of the response cache key. */
  readonly fingerprint: string;
  generate(request: TargetRequest): Promise<TargetResponse>;
}

/** A defence or transformation around a target (design.md: middleware wrap targets). */
export interface TargetMiddleware {
  readonly name: string;
  /** Options that change behaviour; they enter the cache key. */
  readonly options?: unknown;
  wrap(inner: Target): Target;
}

/** Wraps a target in middleware; the first listed is outermost. */
export function wrapTarget(target: Target, middleware: readonly TargetMiddleware[]): Target {
  let wrapped = target;
  for (const layer of [...middleware].reverse()) wrapped = layer.wrap(wrapped);
  return wrapped;
}

/**
 * Builds a wrapped target that changes requests or responses; identity and fingerprint
 * record the layer so cached answers of the bare target are never reused for it.
 */
export function deriveTarget(
  inner: Target,
  layer: { name: string; options?: unknown },
  generate: (request: TargetRequest) => Promise<TargetResponse>,
): Target {
  return {
    id: `${inner.id}+${layer.name}`,
    provider: inner.provider,
    model: inner.model,
    endpoint: inner.endpoint,
    concurrency: inner.concurrency,
    timeoutMs: inner.timeoutMs,
    capabilities: inner.capabilities,
    params: inner.params,
    isSimulator: inner.isSimulator,
    fingerprint: `${inner.fingerprint}|${layer.name}:${JSON.stringify(layer.options ?? null)}`,
    generate,
  };
}

/** Adds two usages. */
export function addUsage(a: Usage, b: Usage): Usage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}
