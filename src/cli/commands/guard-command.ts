import type { Command } from "commander";
import { ConfigError, InputError } from "../../errors.ts";
import { createModeratorFromSpec, MODERATOR_SPEC_HELP } from "../../moderators/moderator-spec.ts";
import { DEFAULT_POLICY, loadPolicyFile } from "../../moderators/policy.ts";
import { SqliteGuardAuditLog } from "../../servers/guard/guard-audit-log.ts";
import { type RunningGuard, startGuardServer } from "../../servers/guard/guard-server.ts";
import { resolveGuardUpstream } from "../../servers/guard/resolve-guard-upstream.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { positiveInteger } from "./run-command.ts";
import { resolveStorePath } from "./store-option.ts";

/** The flags of `turnsafe guard serve`, as commander hands them over. */
export interface GuardServeFlags {
  upstream: string;
  moderator: string;
  policy?: string;
  port: string;
  host: string;
  apiKeyEnv?: string;
  upstreamKeyEnv?: string;
  allowUnauthenticated?: boolean;
  failOpen?: boolean;
  maxBodyMb: string;
  fetchImages?: boolean;
  streamWindow: string;
  moderationTimeoutS: string;
  upstreamTimeoutS: string;
  streamBoundary: string;
  maxMessages: string;
  maxTextChars: string;
  auditMaxAgeDays: string;
  auditMaxRows: string;
  store?: string;
  json?: boolean;
  quiet?: boolean;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

/** `turnsafe guard serve`: the moderating OpenAI-compatible proxy (src/servers/guard/README.md). */
export function registerGuardCommand(program: Command): void {
  const guard = program
    .command("guard")
    .description(
      "A guard server: an OpenAI-compatible endpoint that moderates both sides of every conversation",
    );
  guard
    .command("serve")
    .description("Serve the guard until Ctrl-C")
    .requiredOption(
      "--upstream <url-or-spec>",
      "OpenAI-compatible base URL (http://host:8000/v1) or provider spec (openai:gpt-4o-mini)",
    )
    .option("--moderator <spec>", MODERATOR_SPEC_HELP, "local")
    .option("--policy <file>", "policy YAML (default: all eight built-in dimensions)")
    .option("--port <n>", "port (0 picks a free one)", "8788")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--api-key-env <name>", "environment variable holding the client keys (comma-separated)")
    .option("--upstream-key-env <name>", "environment variable holding the upstream's key")
    .option("--allow-unauthenticated", "serve without client keys on a non-loopback interface")
    .option("--fail-open", "let traffic through when the moderator fails (default: block)")
    .option("--max-body-mb <n>", "largest request body accepted, in MB", "20")
    .option("--fetch-images", "fetch http(s) image URLs (public addresses only)")
    .option(
      "--stream-window <chars>",
      "0: hold streamed answers back until checked; N: release in checked windows of N characters",
      "0",
    )
    .option(
      "--moderation-timeout-s <n>",
      "seconds one moderation may take before it counts as a failure",
      "30",
    )
    .option(
      "--stream-boundary <sentence|window>",
      "where checked windows end: at sentence ends (nothing of an unfinished sentence is released) or anywhere",
      "sentence",
    )
    .option("--upstream-timeout-s <n>", "seconds the upstream may take to answer", "300")
    .option("--max-messages <n>", "most messages in one request", "2000")
    .option("--max-text-chars <n>", "most characters of text moderated for one request", "1000000")
    .option("--store <file>", "SQLite file for the guard_audit table")
    .option("--audit-max-age-days <n>", "delete audit rows older than this (0: keep all)", "30")
    .option("--audit-max-rows <n>", "keep only the newest n audit rows (0: no limit)", "1000000")
    .option("--json", "print one JSON line with the URL once listening")
    .option("--quiet", "no per-request log lines on stderr")
    .action(async (flags: GuardServeFlags) => {
      const output = createOutput(flags);
      const running = await startGuardFromFlags(flags, process.env, (line) => output.note(line));
      output.result(
        { url: running.url, port: running.port, ...running.summary },
        `turnsafe guard listening on ${running.url} (upstream ${running.summary.upstream}, moderator ${running.summary.moderator}, policy ${running.summary.policy}) — Ctrl-C to stop`,
      );
      const interrupt = onInterrupt(output.note);
      await new Promise<void>((resolve) =>
        interrupt.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      interrupt.dispose();
      await running.close();
      output.note("guard stopped");
    });
}

/** A guard started from CLI flags, with what it runs described for the operator. */
export interface StartedGuard extends RunningGuard {
  summary: {
    upstream: string;
    moderator: string;
    policy: string;
    authenticated: boolean;
    failOpen: boolean;
    fetchImages: boolean;
    streamWindow: number;
    streamBoundary: string;
    upstreamTimeoutS: number;
    audit: string;
  };
}

/** Validates the flags, builds upstream, moderator, policy and audit log, and starts listening. */
export async function startGuardFromFlags(
  flags: GuardServeFlags,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): Promise<StartedGuard> {
  const port = flags.port === "0" ? 0 : positiveInteger(flags.port, "--port");
  const maxBodyMb = Number(flags.maxBodyMb);
  if (!Number.isFinite(maxBodyMb) || maxBodyMb <= 0)
    throw new InputError("must be a positive number", "--max-body-mb");
  const streamWindow =
    flags.streamWindow === "0" ? 0 : positiveInteger(flags.streamWindow, "--stream-window");
  const timeoutSeconds = Number(flags.moderationTimeoutS);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new InputError("must be a positive number", "--moderation-timeout-s");
  const upstreamTimeoutS = positiveNumber(flags.upstreamTimeoutS ?? "300", "--upstream-timeout-s");
  const boundary = flags.streamBoundary ?? "sentence";
  if (boundary !== "sentence" && boundary !== "window")
    throw new InputError("must be sentence or window", "--stream-boundary");
  const maxMessages = positiveInteger(flags.maxMessages ?? "2000", "--max-messages");
  const maxTextChars = positiveInteger(flags.maxTextChars ?? "1000000", "--max-text-chars");
  const maxAgeDays = nonNegativeNumber(flags.auditMaxAgeDays ?? "30", "--audit-max-age-days");
  const maxRows = nonNegativeNumber(flags.auditMaxRows ?? "1000000", "--audit-max-rows");
  if (!Number.isInteger(maxRows)) throw new InputError("must be a whole number", "--audit-max-rows");
  const apiKeys = clientKeys(flags.apiKeyEnv, env);
  if (apiKeys.length === 0 && !LOOPBACK_HOSTS.has(flags.host) && !flags.allowUnauthenticated)
    throw new ConfigError(
      `a guard listening on ${flags.host} needs client keys: pass --api-key-env NAME (or --allow-unauthenticated)`,
    );
  const policy = flags.policy ? loadPolicyFile(flags.policy) : DEFAULT_POLICY;
  const { upstream, secrets } = resolveGuardUpstream(flags.upstream, {
    env,
    keyEnv: flags.upstreamKeyEnv,
    timeoutMs: Math.round(upstreamTimeoutS * 1000),
  });
  const resolved = await createModeratorFromSpec(flags.moderator, { env, baseDir: process.cwd() });
  const moderator = resolved.moderator;
  const store = resolveStorePath(flags.store);
  let audit: SqliteGuardAuditLog | undefined;
  try {
    audit = new SqliteGuardAuditLog(store, {
      onError: (error) => log(`guard: audit log write failed: ${(error as Error).message}`),
      retention: { maxAgeMs: Math.round(maxAgeDays * 24 * 3600 * 1000), maxRows },
    });
    const running = await startGuardServer({
      upstream,
      moderator,
      policy,
      apiKeys,
      failOpen: flags.failOpen === true,
      maxBodyBytes: Math.round(maxBodyMb * 1024 * 1024),
      fetchImages: flags.fetchImages === true,
      streamWindowChars: streamWindow,
      streamBoundary: boundary,
      maxMessages,
      maxTextChars,
      moderationTimeoutMs: Math.round(timeoutSeconds * 1000),
      audit,
      secrets,
      log: flags.quiet ? undefined : log,
      port,
      host: flags.host,
    });
    return {
      ...running,
      async close() {
        await running.close();
        await resolved.close();
      },
      summary: {
        upstream: upstream.description,
        moderator: moderator.name,
        policy: policy.name,
        authenticated: apiKeys.length > 0,
        failOpen: flags.failOpen === true,
        fetchImages: flags.fetchImages === true,
        streamWindow,
        streamBoundary: boundary,
        upstreamTimeoutS,
        audit: store,
      },
    };
  } catch (error) {
    audit?.close();
    await resolved.close();
    throw error;
  }
}

function positiveNumber(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InputError("must be a positive number", flag);
  return parsed;
}

function nonNegativeNumber(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InputError("must be 0 or a positive number", flag);
  return parsed;
}

/** Client keys from the named variable: comma-separated, blanks dropped. */
function clientKeys(variable: string | undefined, env: Record<string, string | undefined>): string[] {
  if (variable === undefined) return [];
  const value = env[variable];
  if (!value?.trim()) throw new ConfigError(`the client key variable ${variable} is not set`);
  return value
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
}
