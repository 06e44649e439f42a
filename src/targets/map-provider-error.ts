import {
  APICallError,
  EmptyResponseBodyError,
  InvalidArgumentError,
  InvalidDataContentError,
  InvalidMessageRoleError,
  InvalidPromptError,
  InvalidResponseDataError,
  JSONParseError,
  NoContentGeneratedError,
  RetryError,
  TypeValidationError,
  UnsupportedFunctionalityError,
} from "ai";
import { describeError, TargetError, type TargetErrorKind } from "../errors.ts";
import { redactedLine } from "../http/redact-secrets.ts";
import { parseRetryAfter, retryAfterApplies, statusKind } from "../http/status-kind.ts";
import { parseRateLimitHeaders } from "./rate-limit-headers.ts";

/** Re-exported: the one Retry-After parser lives with the status mapper. */
export { parseRetryAfter };

/** What the caller knows about a failed call beyond the error itself. */
export interface ProviderErrorContext {
  /** The request's own signal: if it fired, the caller cancelled (or timed out) the call. */
  signal?: AbortSignal;
  /** The target's timeout signal. */
  timeoutSignal?: AbortSignal;
  /** Values that must never appear in a message (API keys, resolved header values). */
  secrets?: readonly string[];
  /** Names the target at the start of messages. */
  targetId?: string;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/**
 * Classifies anything an AI SDK call threw into a TargetError the scheduler can act on
 * (retry, back off, give up). Messages are one line, name the target, carry no secret and
 * no request body; the SDK error itself is not kept as the cause because it holds the
 * request (images included).
 */
export function mapProviderError(error: unknown, context: ProviderErrorContext = {}): TargetError {
  if (error instanceof TargetError) return error;
  const prefix = context.targetId ? `${context.targetId}: ` : "";
  const make = (
    kind: TargetErrorKind,
    detail: string,
    extra: { status?: number; retryAfterMs?: number } = {},
  ) => new TargetError(kind, prefix + redactedLine(detail, context.secrets ?? []), extra);

  const aborted = abortKind(error, context);
  if (aborted === "timeout") return make("timeout", "request timed out");
  if (aborted === "aborted") return make("aborted", "request was cancelled");

  const inner = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(inner)) return fromApiCallError(inner, make);
  if (isMalformed(inner)) return make("malformed", `unusable response: ${describeError(inner)}`);
  if (UnsupportedFunctionalityError.isInstance(inner)) return make("unsupported", describeError(inner));
  if (
    InvalidPromptError.isInstance(inner) ||
    InvalidArgumentError.isInstance(inner) ||
    InvalidDataContentError.isInstance(inner) ||
    InvalidMessageRoleError.isInstance(inner)
  )
    return make("client", `request rejected before sending: ${describeError(inner)}`);
  if (isNetworkFailure(inner))
    return make("network", `connection failed: ${describeError(networkCause(inner))}`);
  return make("network", `unexpected failure calling the provider: ${describeError(inner)}`);
}

function fromApiCallError(
  error: APICallError,
  make: (
    kind: TargetErrorKind,
    detail: string,
    extra?: { status?: number; retryAfterMs?: number },
  ) => TargetError,
): TargetError {
  const status = error.statusCode;
  if (status === undefined) {
    if (isMalformed(error.cause))
      return make("malformed", `unusable response: ${describeError(error.cause)}`);
    return make("network", `connection failed: ${error.message}`);
  }
  // A 2xx whose body could not be read or validated.
  if (status < 400)
    return make("malformed", `unusable response (HTTP ${status}): ${describeError(error.cause ?? error)}`, {
      status,
    });
  // A 429 without Retry-After may still say when its spent budget resets (rate-limit headers).
  const budget = status === 429 ? parseRateLimitHeaders(error.responseHeaders) : undefined;
  const retryAfterMs =
    parseRetryAfter(error.responseHeaders) ?? (budget?.remaining === 0 ? budget.resetMs : undefined);
  const kind = statusKind(status);
  return make(
    kind,
    `HTTP ${status}: ${error.message}`,
    retryAfterApplies(kind) ? { status, retryAfterMs } : { status },
  );
}

function abortKind(error: unknown, context: ProviderErrorContext): "timeout" | "aborted" | undefined {
  if (context.signal?.aborted) return isTimeoutReason(context.signal.reason) ? "timeout" : "aborted";
  if (context.timeoutSignal?.aborted) return "timeout";
  if (error instanceof Error || error instanceof DOMException) {
    if (error.name === "TimeoutError") return "timeout";
    if (error.name === "AbortError") return "aborted";
  }
  return undefined;
}

function isTimeoutReason(reason: unknown): boolean {
  return (reason instanceof Error || reason instanceof DOMException) && reason.name === "TimeoutError";
}

function isMalformed(error: unknown): boolean {
  return (
    JSONParseError.isInstance(error) ||
    TypeValidationError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error) ||
    NoContentGeneratedError.isInstance(error)
  );
}

function isNetworkFailure(error: unknown): boolean {
  if (error instanceof TypeError && /fetch failed|failed to fetch/i.test(error.message)) return true;
  return networkCause(error) !== error || hasNetworkCode(error);
}

function networkCause(error: unknown): unknown {
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    if (hasNetworkCode(current)) return current;
  }
  return error;
}

function hasNetworkCode(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && NETWORK_CODES.has(code);
}
