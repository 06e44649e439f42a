import { z } from "zod";
import { ConfigError, InputError } from "../errors.ts";

/** How the in-process simulator is named where providers are listed (it is not an AI SDK provider). */
export const SIMULATOR_PROVIDER_HINT = "simulator (scripted, not a model: simulator[:script.yaml][#model])";

/** Model providers reachable through the AI SDK adapters turnsafe ships. */
export const PROVIDERS = ["openai", "anthropic", "google", "openai-compatible"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Where each hosted provider lives when no baseURL is given; openai-compatible has no default. */
export const DEFAULT_BASE_URLS: Readonly<Record<Exclude<ProviderName, "openai-compatible">, string>> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com/v1",
  google: "https://generativelanguage.googleapis.com/v1beta",
};

/** The environment variable holding each provider's key unless `apiKeyEnv` names another. */
export const DEFAULT_API_KEY_ENV: Readonly<Record<ProviderName, string | undefined>> = {
  openai: "OPENAI_API_KEY",
  anthropic: "ANTHROPIC_API_KEY",
  google: "GOOGLE_GENERATIVE_AI_API_KEY",
  "openai-compatible": undefined,
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Sampling settings in a config; ranges are the widest any supported provider accepts. */
export const GenerationParamsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxOutputTokens: z.int().positive().optional(),
    topP: z.number().min(0).max(1).optional(),
    seed: z.int().optional(),
    stopSequences: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** Overrides of a provider's default capabilities (see provider-limits.ts). */
export const CapabilitiesConfigSchema = z
  .object({
    vision: z.boolean().optional(),
    maxImages: z.int().nonnegative().optional(),
    imageFallback: z.enum(["error", "text-marker"]).optional(),
    maxImageBytes: z.int().positive().optional(),
    maxImageDimension: z.int().positive().optional(),
  })
  .strict();
export type CapabilitiesConfig = z.infer<typeof CapabilitiesConfigSchema>;

const BaseUrlSchema = z.string().transform((value, context) => {
  const fail = (message: string) => {
    context.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (!URL.canParse(value)) return fail("must be an http(s) URL");
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") return fail("must be an http(s) URL");
  if (url.username !== "" || url.password !== "")
    return fail("must not contain credentials; use apiKeyEnv or headers");
  // Request paths are appended to the base URL, so a query or fragment would end up in the middle.
  if (url.search !== "" || url.hash !== "") return fail("must not contain a query string or fragment");
  return value.replace(/\/+$/, "");
});

/** One target as written in a config file or on the command line (object form). */
export const TargetConfigSchema = z
  .object({
    provider: z.enum(PROVIDERS, {
      error: (issue) =>
        `expected one of ${PROVIDERS.join(", ")}, ${SIMULATOR_PROVIDER_HINT}; found ${JSON.stringify(issue.input)}`,
    }),
    model: z.string().trim().min(1, "must name a model"),
    baseURL: BaseUrlSchema.optional(),
    apiKeyEnv: z.string().regex(ENV_NAME, "must be an environment variable name, not a key").optional(),
    label: z.string().trim().min(1).optional(),
    params: GenerationParamsSchema.optional(),
    capabilities: CapabilitiesConfigSchema.optional(),
    concurrency: z.int().positive().optional(),
    timeoutMs: z.int().positive().optional(),
    headers: z.record(z.string().min(1), z.string()).optional(),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.provider === "openai-compatible" && config.baseURL === undefined)
      context.addIssue({
        code: "custom",
        path: ["baseURL"],
        message:
          "openai-compatible targets need a baseURL (object form, or openai-compatible:<model>@http://host:8000/v1)",
      });
  });
export type TargetConfig = z.infer<typeof TargetConfigSchema>;

/**
 * Parses a target from a `provider:model[@baseURL]` string or an object, naming the
 * offending field (prefixed by `where`) in the InputError it throws.
 */
export function parseTargetSpec(spec: string | object, where: string): TargetConfig {
  const raw = typeof spec === "string" ? splitSpecString(spec, where) : spec;
  const parsed = TargetConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message:
      issue.code === "unrecognized_keys" && issue.keys.some((key) => /^api_?key$/i.test(key))
        ? `${issue.message}; keys never go in config: name the environment variable holding it with apiKeyEnv`
        : issue.message,
  }));
  const only = issues.length === 1 ? issues[0] : undefined;
  if (only) throw new InputError(only.message, only.path ? `${where}.${only.path}` : where);
  throw new InputError(
    issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; "),
    where,
  );
}

function splitSpecString(spec: string, where: string): Record<string, string> {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(":");
  if (colon <= 0)
    throw new InputError(
      `expected provider:model (e.g. openai:gpt-4o-mini), got ${JSON.stringify(trimmed)}; providers: ${PROVIDERS.join(", ")}, ${SIMULATOR_PROVIDER_HINT}`,
      where,
    );
  const provider = trimmed.slice(0, colon);
  let model = trimmed.slice(colon + 1);
  // Model names may contain ":" and "@" (ollama tags, vertex versions); only "@http(s)://" starts a base URL.
  const urlStart = model.search(/@https?:\/\//);
  const result: Record<string, string> = { provider };
  if (urlStart >= 0) {
    result.baseURL = model.slice(urlStart + 1);
    model = model.slice(0, urlStart);
  }
  result.model = model;
  return result;
}

/** The base URL requests go to: the configured one or the provider's public default. */
export function resolveBaseURL(config: TargetConfig): string {
  if (config.baseURL !== undefined) return config.baseURL;
  if (config.provider === "openai-compatible")
    throw new ConfigError("openai-compatible targets need a baseURL");
  return DEFAULT_BASE_URLS[config.provider];
}

/**
 * Reads the API key from `env`. Returns undefined only for openai-compatible targets
 * without apiKeyEnv (local servers often take no key); otherwise a missing key is a
 * ConfigError naming the variable, never its value.
 */
export function resolveApiKey(
  config: TargetConfig,
  env: Record<string, string | undefined>,
): string | undefined {
  const variable = config.apiKeyEnv ?? DEFAULT_API_KEY_ENV[config.provider];
  if (variable === undefined) return undefined;
  const value = env[variable];
  if (value === undefined || value.trim() === "")
    throw new ConfigError(
      `target ${config.label ?? `${config.provider}:${config.model}`} needs an API key: set the environment variable ${variable}`,
    );
  return value.trim();
}

/**
 * Fills `${VAR}` references in header values from `env`. Returns the headers and the
 * substituted values, so callers can keep them out of error messages.
 */
export function resolveHeaders(
  headers: Record<string, string> | undefined,
  env: Record<string, string | undefined>,
): { headers: Record<string, string>; secrets: string[] } {
  const resolved: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, template] of Object.entries(headers ?? {})) {
    resolved[name] = template.replace(/\$\{([^}]*)\}/g, (_match, variable: string) => {
      if (!ENV_NAME.test(variable))
        throw new ConfigError(
          `header ${name} references \${${variable}}, which is not an environment variable name`,
        );
      const value = env[variable];
      if (value === undefined)
        throw new ConfigError(`header ${name} needs the environment variable ${variable}`);
      if (value !== "") secrets.push(value);
      return value;
    });
  }
  return { headers: resolved, secrets };
}
