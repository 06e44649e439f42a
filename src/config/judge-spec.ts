import { InputError } from "../errors.ts";
import type { JudgeConfig } from "./run-config.ts";

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
