/**
 * The engine's contracts, types only: what a target is and answers, how judges, drivers and
 * middleware reach models, and the roles calls are counted under. Every layer may import it; it
 * imports only dialogue types.
 */
export type { CallRole, ScoreStatus } from "./call-role.ts";
export type { ModelCaller } from "./model-caller.ts";
export type {
  GenerationParams,
  RateLimitHint,
  Target,
  TargetCapabilities,
  TargetHints,
  TargetRequest,
  TargetResponse,
  Usage,
} from "./target.ts";
export type {
  MiddlewareFactory,
  MiddlewareLayer,
  MiddlewareRequest,
  TargetMiddleware,
  WrapGenerateArgs,
} from "./target-middleware.ts";
