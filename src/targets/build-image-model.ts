import type { Target } from "../contracts/index.ts";
import { targetHints, withHints } from "../engine/target-hints.ts";
import { InputError } from "../errors.ts";
import { startSimulator } from "../simulator/simulator-server.ts";
import type { BuildTargetOptions } from "./build-target.ts";
import { createImageModel } from "./image-model.ts";
import { parseTargetSpec } from "./provider-spec.ts";

/** Checks a `WIDTHxHEIGHT` image size given at `where` (a flag or config field). */
export function imageSize(value: string, where: string): string {
  if (!/^[1-9]\d{0,4}x[1-9]\d{0,4}$/.test(value))
    throw new InputError(`expected WIDTHxHEIGHT (e.g. 1024x1024), got ${JSON.stringify(value)}`, where);
  return value;
}

/**
 * Builds a text-to-image model from a spec: `simulator[#model]` starts an in-process simulator
 * whose images route draws a small PNG from the prompt (stopped when `scope` is disposed);
 * `openai:<model>` or `openai-compatible:<model>@<url>` (or the object form) is an images API.
 * `size` (`WIDTHxHEIGHT`) is sent with every request.
 */
export async function buildImageModel(
  spec: string | Record<string, unknown>,
  where: string,
  options: BuildTargetOptions & { size?: string },
  scope: AsyncDisposableStack,
): Promise<Target> {
  if (typeof spec === "string" && (spec === "simulator" || spec.startsWith("simulator#"))) {
    const model = spec.split("#")[1] || "turnsafe-sim-image";
    const simulator = await startSimulator();
    scope.defer(() => simulator.close());
    const config = parseTargetSpec(
      { provider: "openai-compatible", model, baseURL: simulator.url, label: `simulator:${model}` },
      where,
    );
    const target = createImageModel(config, { env: {}, size: options.size, where });
    // The port changes from run to run; the fingerprint must not, so reruns resume and hit the cache.
    return withHints(
      { ...target, fingerprint: `simulator-images:${model}:${options.size ?? "default"}` },
      { ...targetHints(target), endpoint: "simulator:images", isSimulator: true },
    );
  }
  if (typeof spec === "string" && spec.startsWith("simulator:"))
    throw new InputError(
      "the simulator's images route takes no script: use simulator or simulator#<model>",
      where,
    );
  const config = parseTargetSpec(spec, where);
  return createImageModel(config, { env: options.env, size: options.size, where });
}
