import type { Message } from "../dialogue/dialogue.ts";
import type { ImageLimits } from "../dialogue/image-ref.ts";
import type { ModelCaller } from "./model-caller.ts";

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
  context?: ModelCaller;
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

/**
 * How the engine schedules a target's calls, apart from the model contract (`Target`): whoever
 * builds a target registers them (`withHints`, src/engine/target-hints.ts) and the engine reads
 * them (`targetHints`). None of it changes what the model answers (that is the fingerprint's job).
 */
export interface TargetHints {
  /** Requests sharing an endpoint share its concurrency limit and 429 slow-down. */
  readonly endpoint: string;
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
   * True for middleware targets (see wrapTarget): the engine does not cache or rate-limit the
   * wrapper itself but hands it a ModelCaller, so each inner call is handled (and resumed) on its own.
   */
  readonly middleware?: boolean;
}

/**
 * A model endpoint (or a wrapped one) that answers conversations: the model contract only.
 * Scheduling (endpoint, concurrency, time limits) is kept apart, in `TargetHints`.
 */
export interface Target {
  /** Display identity, e.g. `openai:gpt-4o-mini` or `openai:gpt-4o-mini+self-reminder`. */
  readonly id: string;
  /** Provider and model, as priced and reported. */
  readonly provider: string;
  readonly model: string;
  /** Everything that changes what the target answers; part of the response cache key. */
  readonly fingerprint: string;
  /** Default generation parameters, overridden per request (part of the request hash). */
  readonly params: GenerationParams;
  /** What the model can take: vision, image count and limits. */
  readonly capabilities: TargetCapabilities;
  generate(request: TargetRequest): Promise<TargetResponse>;
}
