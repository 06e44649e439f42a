import type { ModelCaller } from "../../contracts/index.ts";
import type { FetchPolicy } from "../../dialogue/safe-fetch.ts";
import type { Moderator, Policy } from "../../moderators/moderator.ts";
import type { GuardAuditSink } from "./guard-audit-log.ts";
import type { StreamBoundary } from "./guard-stream.ts";
import type { GuardUpstream } from "./guard-upstream.ts";

/** Everything the guard server is configured with; nothing is read from the environment. */
export interface GuardOptions {
  upstream: GuardUpstream;
  moderator: Moderator;
  policy: Policy;
  /** Keys clients must send as `Authorization: Bearer <key>`; none means no authentication. */
  apiKeys?: readonly string[];
  /** Let traffic through when the moderator fails (default false: block, "moderator unavailable"). */
  failOpen?: boolean;
  /** Largest request body accepted (default 20 MB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Fetch http(s) image URLs (default false). Only public addresses are ever contacted. */
  fetchImages?: boolean;
  /** Overrides of the image fetch limits (size, timeout, redirects; tests may widen the address check). */
  imageFetchPolicy?: Partial<FetchPolicy>;
  /**
   * Streaming strategy: 0 (default) holds a streamed answer back until it is complete and
   * checked; N > 0 releases it in checked windows of N characters (README.md).
   */
  streamWindowChars?: number;
  /** Where checked windows end: `sentence` (default) or `window` (guard-stream.ts). */
  streamBoundary?: StreamBoundary;
  /** Most messages in one request (default 2000); more get 400. */
  maxMessages?: number;
  /** Deepest JSON nesting of a request body (default 64); deeper gets 400. */
  maxJsonDepth?: number;
  /** Most characters of text the moderator is given for one request (default 1,000,000); more get 400. */
  maxTextChars?: number;
  /** How long one moderation may take before it counts as a failure (default 30 s). */
  moderationTimeoutMs?: number;
  /** Text shown instead of a blocked answer. */
  refusal?: string;
  /** Where verdicts are recorded; the server closes it when it stops. */
  audit?: GuardAuditSink;
  /** One line per request (no secrets, no content) for the operator's log. */
  log?: (line: string) => void;
  /** Strings scrubbed from every log line, audit row and error shown (e.g. the upstream key). */
  secrets?: readonly string[];
  /** How model-backed moderators reach their model; defaults to calling the target directly. */
  caller?: ModelCaller;
}

/** Default request body limit. */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Default time one moderation may take. */
export const DEFAULT_MODERATION_TIMEOUT_MS = 30_000;
