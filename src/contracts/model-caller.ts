import type { CallRole } from "./call-role.ts";
import type { Target, TargetRequest, TargetResponse } from "./target.ts";

/**
 * How judges, drivers and middleware reach models: every call goes through the engine, so it is
 * cached, retried, rate-limited, keyed for resume and counted under its role. `step` names the
 * call within its case (or within the request of a middleware target).
 */
export interface ModelCaller {
  call(role: CallRole, target: Target, request: TargetRequest, step: string): Promise<TargetResponse>;
}
