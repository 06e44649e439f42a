import { readFileSync } from "node:fs";
import path from "node:path";
import type { Target } from "../contracts/index.ts";
import { sha256Hex } from "../dialogue/image-ref.ts";
import { targetHints, withHints } from "../engine/target-hints.ts";
import { InputError } from "../errors.ts";
import { DEFAULT_SIMULATOR_SCRIPT_YAML } from "../simulator/default-script.ts";
import { parseSimulatorScript } from "../simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../simulator/simulator-server.ts";
import { parseTargetSpec } from "./provider-spec.ts";
import { createProviderTarget } from "./provider-target.ts";

/** Where a target spec's files and keys are looked up. */
export interface BuildTargetOptions {
  /** Folder simulator scripts are resolved against. */
  baseDir: string;
  /** Environment for API keys (the CLI passes process.env; library code never reads it itself). */
  env: Record<string, string | undefined>;
}

/**
 * Builds a target from a spec: `simulator[:script.yaml][#model]` starts an in-process simulator
 * (stopped when `scope` is disposed); anything else is a provider spec.
 */
export async function buildTarget(
  spec: string | Record<string, unknown>,
  where: string,
  options: BuildTargetOptions,
  scope: AsyncDisposableStack,
): Promise<Target> {
  if (typeof spec !== "string" && spec.provider === "simulator") spec = simulatorSpecString(spec, where);
  if (
    typeof spec === "string" &&
    (spec === "simulator" || spec.startsWith("simulator:") || spec.startsWith("simulator#"))
  ) {
    // simulator[:script.yaml][#model]
    const [location, model = "turnsafe-sim"] = spec.split("#") as [string, string | undefined];
    const scriptPath = location.startsWith("simulator:") ? location.slice("simulator:".length) : "";
    const scriptFile = scriptPath ? path.resolve(options.baseDir, scriptPath) : undefined;
    let yaml = DEFAULT_SIMULATOR_SCRIPT_YAML;
    if (scriptFile) {
      try {
        yaml = readFileSync(scriptFile, "utf8");
      } catch {
        throw new InputError(`simulator script ${scriptFile} cannot be read`, where);
      }
    }
    const simulator = await startSimulator({
      script: parseSimulatorScript(yaml, scriptFile ?? "built-in script"),
    });
    scope.defer(() => simulator.close());
    return simulatorTarget(simulator, yaml, scriptFile ? path.basename(scriptFile) : "built-in", model);
  }
  const { simulator, ...rest } =
    typeof spec === "string" ? { simulator: false } : (spec as { simulator?: unknown });
  const config = parseTargetSpec(typeof spec === "string" ? spec : rest, where);
  return createProviderTarget(config, { env: options.env, simulator: simulator === true });
}

/** `{provider: simulator, script?, model?}` as the string form `simulator[:script][#model]`. */
function simulatorSpecString(spec: Record<string, unknown>, where: string): string {
  const { provider: _provider, script, model, ...rest } = spec;
  const extra = Object.keys(rest);
  if (extra.length > 0)
    throw new InputError(
      `unknown field${extra.length > 1 ? "s" : ""} ${extra.join(", ")} (a simulator target takes script and model)`,
      where,
    );
  if (
    (script !== undefined && typeof script !== "string") ||
    (model !== undefined && typeof model !== "string")
  )
    throw new InputError("script and model must be strings", where);
  return `simulator${script ? `:${script}` : ""}${model ? `#${model}` : ""}`;
}

/**
 * A target on an in-process simulator. Its fingerprint is the script's hash, not the URL, so
 * a rerun (which gets another port) resumes and hits the cache.
 */
export function simulatorTarget(
  simulator: RunningSimulator,
  scriptYaml: string,
  scriptName: string,
  model = "turnsafe-sim",
): Target {
  const config = parseTargetSpec(
    { provider: "openai-compatible", model, baseURL: simulator.url, label: `simulator:${model}` },
    "simulator",
  );
  const target = createProviderTarget(config, { env: {}, simulator: true });
  return withHints(
    { ...target, fingerprint: `simulator:${model}:${sha256Hex(scriptYaml).slice(0, 16)}:${scriptName}` },
    { ...targetHints(target), endpoint: `simulator:${scriptName}` },
  );
}
