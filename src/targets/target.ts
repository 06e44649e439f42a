import type {
  MiddlewareLayer,
  MiddlewareRequest,
  ModelCaller,
  Target,
  TargetMiddleware,
  TargetRequest,
  TargetResponse,
  Usage,
} from "../contracts/index.ts";
import { targetHints, withHints } from "../engine/target-hints.ts";

/** Adds two usages. */
export function addUsage(a: Usage, b: Usage): Usage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

/**
 * Wraps a target in middleware (a list: the first listed is outermost). The wrapped target's id
 * and fingerprint record each layer, so the bare target's results are never mixed in. Each call
 * a layer makes (the wrapped target, a moderator) goes through the engine when the engine runs
 * the wrapper (cached, retried, resumed, counted by role), else straight to the model (the guard).
 */
export function wrapTarget(target: Target, middleware: MiddlewareLayer | readonly MiddlewareLayer[]): Target {
  const layers: readonly MiddlewareLayer[] = Array.isArray(middleware) ? middleware : [middleware];
  let wrapped = target;
  for (let at = layers.length - 1; at >= 0; at--) {
    const layer = layers[at] as MiddlewareLayer;
    wrapped = wrapOne(wrapped, "forTarget" in layer ? layer.forTarget(wrapped) : layer);
  }
  return wrapped;
}

function wrapOne(inner: Target, layer: TargetMiddleware): Target {
  const { transformRequest, wrapGenerate } = layer;
  const wrapper: Target = {
    id: `${inner.id}+${layer.name}`,
    provider: inner.provider,
    model: inner.model,
    fingerprint: `${inner.fingerprint}|${layer.name}:${JSON.stringify(layer.options ?? null)}`,
    params: inner.params,
    capabilities: inner.capabilities,
    async generate(outer: TargetRequest): Promise<TargetResponse> {
      const caller = callerWithin(outer);
      const generate = (request: MiddlewareRequest, step = "target") =>
        caller.call("target", inner, request, step);
      const { context: _context, signal: _signal, ...base } = outer;
      const request = transformRequest ? await transformRequest.call(layer, base) : base;
      return wrapGenerate
        ? wrapGenerate.call(layer, { request, generate, target: inner, caller })
        : generate(request);
    },
  };
  // Scheduled like its model, but the engine hands it a ModelCaller instead of caching it.
  return withHints(wrapper, { ...targetHints(inner), middleware: true });
}

/**
 * The caller a middleware's calls go through: the engine's (from the outer request's context)
 * when there is one, else the model itself. The outer request's signal and image settings are
 * carried to each call; the middleware never handles them.
 */
function callerWithin(outer: TargetRequest): ModelCaller {
  return {
    call(role, target, request, step) {
      const { context: _context, signal: _signal, ...rest } = request;
      const inner: TargetRequest = {
        ...rest,
        signal: outer.signal,
        imageBaseDir: rest.imageBaseDir ?? outer.imageBaseDir,
        imageMaxBytes: rest.imageMaxBytes ?? outer.imageMaxBytes,
      };
      if (outer.context) return outer.context.call(role, target, inner, step);
      return target.generate(inner);
    },
  };
}
