import path from "node:path";
import { judgeConfigFromSpec, judgeLabel, loadJudgesFile } from "../config/judge-spec.ts";
import type { JudgeConfig } from "../config/run-config.ts";
import { InputError } from "../errors.ts";
import type { Judge } from "../judges/judge.ts";
import { createRefusalDetector } from "../judges/refusal-detector.ts";
import { createRubricJudge } from "../judges/rubric-judge.ts";
import { createSafetyJudge } from "../judges/safety-judge.ts";
import { createContainsJudge, createRegexJudge } from "../judges/text-check-judge.ts";
import { createModeratorJudge } from "../moderators/moderator-judge.ts";
import { createModeratorFromSpec } from "../moderators/moderator-spec.ts";
import { DEFAULT_POLICY, loadPolicyFile } from "../moderators/policy.ts";
import { buildTarget } from "../targets/build-target.ts";

/** Where judges' files, keys and images are looked up. */
export interface BuildJudgeOptions {
  /** Folder relative paths (policies, simulator scripts) are resolved against. */
  baseDir: string;
  env: Record<string, string | undefined>;
  /** Where relative image paths in transcripts are resolved. */
  imageBaseDir: string;
  /** Largest image file an LLM judge reads. */
  imageMaxBytes?: number;
}

/**
 * Builds the judge a config entry (or a `--judge` spec, see judge-spec.ts) names: the refusal
 * detector, a dialogue moderator as judge, a custom regex / contains / rubric judge, or the
 * LLM safety judge. Simulators and moderator workers it starts are deferred onto `scope`.
 * `where` (e.g. `judges.2`) names the entry in errors.
 */
export async function buildJudge(
  judge: JudgeConfig,
  where: string,
  options: BuildJudgeOptions,
  scope: AsyncDisposableStack,
): Promise<Judge> {
  if (judge === "refusal" || judge.type === "refusal") return createRefusalDetector();
  if (judge.type === "moderator") {
    const built = await createModeratorFromSpec(judge.moderator, {
      env: options.env,
      baseDir: options.baseDir,
      imageBaseDir: options.imageBaseDir,
    });
    scope.defer(built.close);
    const policy = judge.policy
      ? loadPolicyFile(path.resolve(options.baseDir, judge.policy))
      : DEFAULT_POLICY;
    return createModeratorJudge({ moderator: built.moderator, policy });
  }
  if (judge.type === "regex") return createRegexJudge(judge);
  if (judge.type === "contains") return createContainsJudge(judge);
  if (judge.type === "rubric")
    return createRubricJudge({
      config: judge,
      target: await buildTarget(judge.model, `${where}.model`, options, scope),
      imageBaseDir: options.imageBaseDir,
    });
  return createSafetyJudge({
    target: await buildTarget(judge.model, `${where}.model`, options, scope),
    vision: judge.vision,
    imageBaseDir: options.imageBaseDir,
    imageMaxBytes: options.imageMaxBytes,
  });
}

/** The judges of the specs and the judges file, each with its label and where it was named. */
export function judgeEntries(
  specs: readonly string[],
  judgesFile: string | undefined,
  baseDir: string,
): { label: string; config: JudgeConfig; where: string }[] {
  const entries = specs.map((spec, index) => {
    const config = judgeConfigFromSpec(spec, `--judge ${index + 1}`);
    return { label: spec.trim(), config, where: `--judge ${index + 1}` };
  });
  if (judgesFile) {
    const file = path.resolve(baseDir, judgesFile);
    for (const [index, config] of loadJudgesFile(file).entries())
      entries.push({ label: judgeLabel(config), config, where: `${file}: ${index}` });
  }
  if (entries.length === 0)
    throw new InputError("name at least one judge (--judge or --judges-file)", "--judge");
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.label)) throw new InputError(`"${entry.label}" is listed twice`, entry.where);
    seen.add(entry.label);
  }
  return entries;
}
