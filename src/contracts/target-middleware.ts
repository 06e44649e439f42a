import type { ModelCaller } from "./model-caller.ts";
import type { Target, TargetRequest, TargetResponse } from "./target.ts";

/** A request as a middleware sees it: the engine's plumbing (context, signal) is kept out of reach. */
export type MiddlewareRequest = Omit<TargetRequest, "context" | "signal">;

/** What `wrapGenerate` receives. */
export interface WrapGenerateArgs {
  /** The request (after `transformRequest`, when the middleware has one). */
  request: MiddlewareRequest;
  /** Calls the wrapped target through the engine; `step` (default `target`) names the call. */
  generate(request: MiddlewareRequest, step?: string): Promise<TargetResponse>;
  /** The wrapped target (read its params or hints; call it through `generate`). */
  target: Target;
  /** Calls any other model (a moderator) through the engine, counted under its role. */
  caller: ModelCaller;
}

/**
 * A defence or transformation around a target, in the spirit of the AI SDK's language-model
 * middleware: `transformRequest` rewrites what the wrapped target is asked; `wrapGenerate`
 * replaces the call (several calls, a changed answer, a refusal without calling). With neither,
 * requests pass through unchanged. `name` and `options` enter the wrapped target's id and fingerprint.
 */
export interface TargetMiddleware {
  readonly name: string;
  /** Options that change behaviour; they enter the cache key. */
  readonly options?: unknown;
  transformRequest?(request: MiddlewareRequest): MiddlewareRequest | Promise<MiddlewareRequest>;
  wrapGenerate?(args: WrapGenerateArgs): Promise<TargetResponse>;
}

/** A middleware built for the target it wraps (e.g. a moderator that is the wrapped model itself). */
export interface MiddlewareFactory {
  readonly name: string;
  forTarget(inner: Target): TargetMiddleware;
}

/** What wrapTarget takes: a middleware, or a factory of one. */
export type MiddlewareLayer = TargetMiddleware | MiddlewareFactory;
