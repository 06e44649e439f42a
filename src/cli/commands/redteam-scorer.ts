import { buildJudge } from "../../benchmarks/build-judges.ts";
import type { RedteamScorer } from "../../benchmarks/redteam/judge-scorer.ts";
import { customFlaggedLabel, judgeConfigFromSpec, judgeLabel } from "../../config/judge-spec.ts";
import { type JudgeConfig, JudgeConfigSchema } from "../../config/run-config.ts";
import { formatZodError } from "../../dialogue/jsonl.ts";
import { InputError } from "../../errors.ts";

const JUDGE_PREFIXES = ["moderator:", "safety:"];

/**
 * The turnsafe judge a red-team `--judge` (or config `judge`) names, or null for a model spec (the
 * default 1-5 judge): `refusal`, `local`, `moderator:<spec>`, `safety:<model spec>`, or in the
 * config a judges entry with a `type` (custom regex / contains / rubric judges included).
 */
export function scorerConfig(spec: string | Record<string, unknown>, where: string): JudgeConfig | null {
  if (typeof spec === "string") {
    const trimmed = spec.trim();
    if (
      trimmed === "refusal" ||
      trimmed === "local" ||
      JUDGE_PREFIXES.some((prefix) => trimmed.startsWith(prefix))
    )
      return judgeConfigFromSpec(trimmed, where);
    return null;
  }
  if (!("type" in spec)) return null;
  const parsed = JudgeConfigSchema.safeParse(spec);
  if (!parsed.success) throw new InputError(formatZodError(parsed.error, spec, JudgeConfigSchema), where);
  return parsed.data;
}

/** Builds the scorer of a judge config; its success label is what the README's mapping table says. */
export async function buildRedteamScorer(
  config: JudgeConfig,
  where: string,
  baseDir: string,
  scope: AsyncDisposableStack,
): Promise<RedteamScorer> {
  const judge = await buildJudge(config, where, { baseDir, env: process.env, imageBaseDir: baseDir }, scope);
  const refusal = config === "refusal" || config.type === "refusal";
  return {
    judge,
    label: judgeLabel(config),
    success: customFlaggedLabel(config) ?? (refusal ? "compliance" : "unsafe"),
  };
}
