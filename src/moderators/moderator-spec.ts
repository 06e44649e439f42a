import type { Target } from "../contracts/index.ts";
import { InputError } from "../errors.ts";
import { buildTarget } from "../targets/build-target.ts";
import { createLlamaGuardModerator, type LlamaGuardVersion } from "./backends/llama-guard-moderator.ts";
import { createLlavaShieldModerator } from "./backends/llavashield-moderator.ts";
import { createOpenAIModerationModerator } from "./backends/openai-moderation.ts";
import { createCascadeModerator } from "./cascade-moderator.ts";
import type { Moderator } from "./moderator.ts";
import { createPromptedModerator } from "./prompted-moderator.ts";

/** Where a spec's files and keys are looked up. */
export interface ModeratorSpecOptions {
  /** Environment for API keys (the CLI passes process.env; library code never reads it itself). */
  env: Record<string, string | undefined>;
  /** Folder simulator scripts in target specs are resolved against. */
  baseDir: string;
  /** Where relative image paths are resolved by backends that load images themselves. */
  imageBaseDir?: string;
  /** Environment variable holding the OpenAI moderation key (default OPENAI_API_KEY). */
  openaiApiKeyEnv?: string;
  /** Replaces fetch for the OpenAI moderation endpoint (tests). */
  fetch?: typeof fetch;
  /**
   * When a cascade escalates: a local-guard side score in [lower, upper], or a confidence below
   * minConfidence (defaults 0.2, 0.8 and 0.5).
   */
  cascade?: { lower?: number; upper?: number; minConfidence?: number };
  /** Local guard: read text in images (default true) and detect nudity (default true). */
  localGuard?: { ocr?: boolean; nsfw?: boolean };
}

/** A moderator built from a spec, with what must be shut down after use (in-process simulators). */
export interface ModeratorFromSpec {
  spec: string;
  moderator: Moderator;
  close(): Promise<void>;
}

/** The spec forms, for help texts and errors. */
export const MODERATOR_SPEC_HELP =
  "local | local:classifier | local:lexicon | prompted:<target> | llavashield:<target> | llama-guard-3:<target> | llama-guard-3-vision:<target> | llama-guard-4:<target> | openai-moderation[:<model>][@<baseURL>] | cascade:local,<spec>  (<target>: a target spec such as openai:gpt-4o-mini, openai-compatible:<model>@http://host:8000/v1 or simulator[:script.yaml][#model])";

const LLAMA_GUARD_PREFIXES: [string, LlamaGuardVersion][] = [
  ["llama-guard-3-vision:", "3-vision"],
  ["llama-guard-3:", "3"],
  ["llama-guard-4:", "4"],
];

/**
 * The one place moderator specs are parsed (CLI, guard server, SafeMT): `local`,
 * `prompted:<target>`, `llavashield:<target>`, `llama-guard-3:` / `llama-guard-3-vision:` /
 * `llama-guard-4:<target>`, `openai-moderation[:<model>][@<baseURL>]` and
 * `cascade:local,<spec>`. Target specs are those of run configs, `simulator[:script][#model]`
 * included (such simulators are started here and stopped by `close`).
 */
export async function createModeratorFromSpec(
  spec: string,
  options: ModeratorSpecOptions,
): Promise<ModeratorFromSpec> {
  // What the moderator starts (simulators, local guard workers) is stopped when it closes.
  const scope = new AsyncDisposableStack();
  const close = () => scope.disposeAsync();
  try {
    const moderator = await build(spec.trim(), options, scope);
    return { spec, moderator, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function build(
  spec: string,
  options: ModeratorSpecOptions,
  scope: AsyncDisposableStack,
): Promise<Moderator> {
  const where = `moderator "${spec}"`;
  const target = (rest: string): Promise<Target> => {
    if (rest.trim() === "")
      throw new InputError(`needs a target after the colon; forms: ${MODERATOR_SPEC_HELP}`, where);
    return buildTarget(rest.trim(), where, { baseDir: options.baseDir, env: options.env }, scope);
  };
  const local = async (scorer?: "classifier" | "lexicon") => {
    // Loaded on use: its word lists and classifiers cost every command ~40 ms of start-up.
    const { createLocalGuard } = await import("./local-guard/local-guard.ts");
    const guard = createLocalGuard({
      ocr: options.localGuard?.ocr ?? true,
      nsfw: options.localGuard?.nsfw ?? true,
      imageLoad: { baseDir: options.imageBaseDir },
      // `local:classifier`: the trained classifiers decide both sides; `local:lexicon`: the word lists.
      ...(scorer ? { userScorer: scorer, assistantScorer: scorer } : {}),
    });
    scope.defer(() => guard.close());
    return guard;
  };
  if (spec === "local") return local();
  if (spec === "local:classifier" || spec === "local:lexicon")
    return Object.assign(await local(spec === "local:classifier" ? "classifier" : "lexicon"), { name: spec });
  if (spec.startsWith("prompted:"))
    return createPromptedModerator({ target: await target(spec.slice("prompted:".length)), name: spec });
  if (spec.startsWith("llavashield:"))
    return createLlavaShieldModerator({
      target: await target(spec.slice("llavashield:".length)),
      name: spec,
      imageBaseDir: options.imageBaseDir,
    });
  for (const [prefix, version] of LLAMA_GUARD_PREFIXES)
    if (spec.startsWith(prefix))
      return createLlamaGuardModerator({
        target: await target(spec.slice(prefix.length)),
        version,
        name: spec,
        imageBaseDir: options.imageBaseDir,
      });
  if (
    spec === "openai-moderation" ||
    spec.startsWith("openai-moderation:") ||
    spec.startsWith("openai-moderation@")
  ) {
    const rest = spec.slice("openai-moderation".length);
    const at = rest.indexOf("@");
    const model = (at >= 0 ? rest.slice(0, at) : rest).replace(/^:/, "").trim();
    const baseURL = at >= 0 ? rest.slice(at + 1).trim() : undefined;
    if (baseURL !== undefined && !/^https?:\/\/[^\s]+$/.test(baseURL))
      throw new InputError("the base URL after @ must be an http(s) URL", where);
    return createOpenAIModerationModerator({
      env: options.env,
      apiKeyEnv: options.openaiApiKeyEnv,
      fetch: options.fetch,
      imageBaseDir: options.imageBaseDir,
      ...(model ? { model } : {}),
      ...(baseURL ? { baseURL } : {}),
      name: spec,
    });
  }
  if (spec.startsWith("cascade:")) {
    const rest = spec.slice("cascade:".length);
    const comma = rest.indexOf(",");
    const first = comma >= 0 ? rest.slice(0, comma).trim() : rest.trim();
    const second = comma >= 0 ? rest.slice(comma + 1).trim() : "";
    if (first !== "local" || second === "")
      throw new InputError("a cascade is written cascade:local,<moderator spec>", where);
    if (second.startsWith("cascade:"))
      throw new InputError("a cascade cannot escalate to another cascade", where);
    const cascade = createCascadeModerator({
      first: await local(),
      fallback: await build(second, options, scope),
      lower: options.cascade?.lower ?? 0.2,
      upper: options.cascade?.upper ?? 0.8,
      minConfidence: options.cascade?.minConfidence ?? 0.5,
    });
    // Named by its spec like every other moderator; the cascade keeps its own closures.
    return { ...cascade, name: spec };
  }
  throw new InputError(`unknown moderator; forms: ${MODERATOR_SPEC_HELP}`, where);
}
