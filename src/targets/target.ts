import type { Message } from "../dialogue/dialogue.ts";
import type { ImageLimits } from "../dialogue/image-ref.ts";

/** What an endpoint's rate-limit headers said about its budget. */
export interface RateLimitHint {
  /** Requests (or tokens) left in the current window; 0 means the next request would get a 429. */
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

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
  /** Time limit of this request, overriding the target's own (honoured by targets that set enforcesTimeout). */
  timeoutMs?: number;
  /** Resolves relative image paths. */
  imageBaseDir?: string;
  /** Largest image file read for this request (default 20 MiB; a run's `limits.maxImageBytes`). */
  imageMaxBytes?: number;
  /**
   * Set by the engine when it runs a middleware target: extra calls made through it (the inner
   * target, a moderator) are each cached, retried, rate-limited, resumed and counted by role.
   */
  context?: CallContext;
}

/** Routes a middleware's own model calls through the engine. `step` names the call within the request. */
export interface CallContext {
  call(
    role: "target" | "attacker" | "judge" | "moderator" | "captioner",
    target: Target,
    request: TargetRequest,
    step: string,
  ): Promise<TargetResponse>;
}

/** A target's answer. `warnings` records anything changed on the way (a dropped setting, a resized image). */
export interface TargetResponse {
  text: string;
  usage: Usage;
  finishReason: string;
  modelId: string;
  warnings: string[];
  /** The endpoint's remaining request budget, when its response headers say (see EndpointLimiter). */
  rateLimit?: RateLimitHint;
  /**
   * True when the answer labels itself as coming from turnsafe's simulator (its
   * `x-turnsafe-simulator` header or `system_fingerprint`), whatever the target was called.
   */
  simulator?: boolean;
  /** The work key of the stored call that produced this answer (set by the call executor). */
  callKey?: string;
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
  /**
   * True when the target enforces `request.timeoutMs` itself, failing with TargetError("timeout"):
   * the engine then sets no timer of its own (one deadline per call instead of two).
   */
  readonly enforcesTimeout?: boolean;
  /**
   * True for middleware targets: the engine does not cache or rate-limit the wrapper itself but
   * hands it a CallContext, so each inner call is handled (and resumed) on its own.
   */
  readonly middleware?: boolean;
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
 * Builds a middleware target that changes requests or responses. `generate` should reach the
 * inner target (and any other model) through `callThrough`, so the engine handles each call.
 * Identity and fingerprint record the layer, so the bare target's results are never mixed in.
 */
export function deriveTarget(
  inner: Target,
  layer: { name: string; options?: unknown },
  generate: (request: TargetRequest) => Promise<TargetResponse>,
): Target {
  return {
    middleware: true,
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

/**
 * Makes a call from inside a middleware: through the engine when it supplied a context
 * (cached, retried, counted under `role`), else directly (e.g. in the guard server).
 */
export function callThrough(
  outer: TargetRequest,
  role: Parameters<CallContext["call"]>[0],
  target: Target,
  request: Omit<TargetRequest, "context" | "signal">,
  step: string,
): Promise<TargetResponse> {
  const inner: TargetRequest = {
    ...request,
    signal: outer.signal,
    imageBaseDir: request.imageBaseDir ?? outer.imageBaseDir,
    imageMaxBytes: request.imageMaxBytes ?? outer.imageMaxBytes,
  };
  if (outer.context) return outer.context.call(role, target, inner, step);
  return target.generate({ ...inner, context: undefined });
}
