import { ConfigError, InputError } from "../../errors.ts";
import { parseTargetSpec } from "../../targets/provider-spec.ts";
import { createProviderTarget } from "../../targets/provider-target.ts";
import { createHttpUpstream, createTargetUpstream, type GuardUpstream } from "./guard-upstream.ts";

/** What resolving an upstream gives: the upstream and the secrets to keep out of logs. */
export interface ResolvedUpstream {
  upstream: GuardUpstream;
  secrets: string[];
}

/**
 * Turns `--upstream` into an upstream: an http(s) URL is an OpenAI-compatible base URL
 * (requests are forwarded verbatim); anything else is a provider spec such as
 * `openai:gpt-4o-mini` served through createProviderTarget. The key is read from
 * `env[keyEnv]` (or the provider's usual variable) and stays server-side.
 */
export function resolveGuardUpstream(
  spec: string,
  options: { env: Record<string, string | undefined>; keyEnv?: string; timeoutMs?: number },
): ResolvedUpstream {
  const trimmed = spec.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new InputError("is not a valid URL", "--upstream");
    }
    if (url.username || url.password)
      throw new InputError("must not contain credentials; use --upstream-key-env", "--upstream");
    let apiKey: string | undefined;
    if (options.keyEnv !== undefined) {
      apiKey = options.env[options.keyEnv]?.trim();
      if (!apiKey) throw new ConfigError(`the upstream key variable ${options.keyEnv} is not set`);
    }
    return {
      upstream: createHttpUpstream({ baseURL: trimmed, apiKey, timeoutMs: options.timeoutMs }),
      secrets: apiKey ? [apiKey] : [],
    };
  }
  const config = parseTargetSpec(trimmed, "--upstream");
  if (options.keyEnv !== undefined) config.apiKeyEnv = options.keyEnv;
  if (options.timeoutMs !== undefined) config.timeoutMs = options.timeoutMs;
  const target = createProviderTarget(config, { env: options.env });
  const variable = config.apiKeyEnv;
  const key = variable ? options.env[variable]?.trim() : undefined;
  return { upstream: createTargetUpstream(target), secrets: key ? [key] : [] };
}
