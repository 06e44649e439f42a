import { z } from "zod";
import { InputError } from "../errors.ts";
import { loadYamlFile } from "./load-yaml.ts";
import { type JudgeConfig, JudgeConfigSchema } from "./run-config.ts";

/** The `--judge` spec forms, for help texts and errors. */
export const JUDGE_SPEC_HELP =
  "refusal | local (the local guard, as moderator:local) | safety:<model spec> | moderator:<moderator spec>";

/**
 * The one parser of `--judge` specs (`run`, `judge score`, `judge eval`): `refusal`, `local`
 * (short for `moderator:local`), `safety:<target spec>` and `moderator:<moderator spec>`; the
 * same judges a run config's `judges` lists. `where` names the flag in errors.
 */
export function judgeConfigFromSpec(spec: string, where: string): JudgeConfig {
  const trimmed = spec.trim();
  if (trimmed === "refusal") return "refusal";
  if (trimmed === "local") return { type: "moderator", moderator: "local" };
  const rest = (prefix: string) => {
    const value = trimmed.slice(prefix.length).trim();
    if (value === "") throw new InputError(`"${trimmed}" names no ${prefix.slice(0, -1)} spec`, where);
    return value;
  };
  if (trimmed.startsWith("safety:")) return { type: "safety", model: rest("safety:") };
  if (trimmed.startsWith("moderator:")) return { type: "moderator", moderator: rest("moderator:") };
  throw new InputError(`unknown judge "${spec}"; use ${JUDGE_SPEC_HELP}`, where);
}

/** A judges file: a YAML list of judges, each as a run config's `judges` entry (custom judges included). */
export const JudgesFileSchema = z.array(JudgeConfigSchema).min(1, "list at least one judge");

/** Reads a judges file; errors name the file, line and field. */
export function loadJudgesFile(file: string): JudgeConfig[] {
  return loadYamlFile(file, JudgesFileSchema);
}

/**
 * How a judge is named in results: a custom judge by its `name`, a built-in one by the `--judge`
 * spec that would build it (`refusal`, `safety:<model>`, `moderator:<spec>`).
 */
export function judgeLabel(config: JudgeConfig): string {
  if (config === "refusal" || config.type === "refusal") return "refusal";
  if (config.type === "moderator")
    return config.moderator === "local" ? "local" : `moderator:${config.moderator}`;
  if (config.type === "safety")
    return `safety:${typeof config.model === "string" ? config.model : JSON.stringify(config.model)}`;
  return config.name;
}

/** The label a custom judge gives when it fires (its positive verdict); undefined for built-in judges. */
export function customFlaggedLabel(config: JudgeConfig): string | undefined {
  if (config === "refusal" || !("name" in config)) return undefined;
  return config.label;
}
