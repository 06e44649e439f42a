import type { Target, TargetRequest, TargetResponse } from "../contracts/index.ts";
import { withHints } from "../engine/target-hints.ts";
import { TargetError } from "../errors.ts";

/**
 * An in-process target for engine tests: answers with `reply(request, callNumber)`, which may
 * throw. Counts calls. Not a model and not the HTTP simulator.
 */
export function scriptedTarget(
  reply: (request: TargetRequest, callNumber: number) => string | Promise<string>,
  overrides: { id?: string; endpoint?: string; fingerprint?: string } = {},
): Target & { calls: number } {
  const target = {
    id: overrides.id ?? "test:scripted",
    provider: "test",
    model: "scripted",
    params: {},
    capabilities: {
      vision: true,
      maxImages: 8,
      imageFallback: "error" as const,
      imageLimits: { maxBytes: 1e7, maxDimension: 4096, mediaTypes: ["image/png", "image/jpeg"] },
    },
    fingerprint: overrides.fingerprint ?? "test:scripted",
    calls: 0,
    async generate(request: TargetRequest): Promise<TargetResponse> {
      target.calls++;
      if (request.signal?.aborted) throw new TargetError("aborted", "aborted");
      const text = await reply(request, target.calls);
      return {
        text,
        usage: { inputTokens: 10, outputTokens: 5 },
        finishReason: "stop",
        modelId: "scripted",
        warnings: [],
      };
    },
  };
  return withHints(target, { endpoint: overrides.endpoint ?? "test", isSimulator: true });
}
