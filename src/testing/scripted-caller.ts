import type { ModelCaller, Target, TargetRequest, TargetResponse } from "../contracts/index.ts";

/** A model call a scripted caller received. */
export interface RecordedCall {
  role: string;
  target: Target;
  request: TargetRequest;
  step: string;
}

/**
 * A ModelCaller for tests and dry runs: answers every call with `reply` (a fixed text, a
 * function of the request, or an error to throw) and records what it was asked.
 */
export function scriptedCaller(reply: string | Error | ((request: TargetRequest) => string)): {
  caller: ModelCaller;
  calls: RecordedCall[];
} {
  const calls: RecordedCall[] = [];
  const caller: ModelCaller = {
    async call(role, target, request, step): Promise<TargetResponse> {
      calls.push({ role, target, request, step });
      if (reply instanceof Error) throw reply;
      const text = typeof reply === "function" ? reply(request) : reply;
      return {
        text,
        usage: { inputTokens: 0, outputTokens: 0 },
        finishReason: "stop",
        modelId: target.model,
        warnings: [],
      };
    },
  };
  return { caller, calls };
}

/** A target stand-in for judges under test; it cannot generate, so calls must go through a caller. */
export function offlineJudgeTarget(options: { vision?: boolean; maxImages?: number } = {}): Target {
  return {
    id: "offline:judge",
    provider: "offline",
    model: "judge",
    params: {},
    capabilities: {
      vision: options.vision ?? false,
      maxImages: options.maxImages ?? 4,
      imageFallback: "error",
      imageLimits: { maxBytes: 5_000_000, maxDimension: 2048, mediaTypes: ["image/png", "image/jpeg"] },
    },
    fingerprint: "offline:judge",
    generate: () => Promise.reject(new Error("offline judge target: call it through a ModelCaller")),
  };
}
