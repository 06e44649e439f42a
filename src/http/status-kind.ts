import type { TargetErrorKind } from "../errors.ts";

/** The failure kinds an HTTP error status can mean. */
export type StatusKind = Extract<TargetErrorKind, "rate-limited" | "timeout" | "auth" | "client" | "server">;

/**
 * What a failed HTTP status means to the scheduler: 429 rate-limited, 408 and 504 timeout,
 * 401 and 403 auth, 5xx server, anything else not ok (4xx, an unfollowed 3xx) client.
 * The one mapping used by provider targets, the moderation endpoint and the guard's upstream.
 */
export function statusKind(status: number): StatusKind {
  if (status === 429) return "rate-limited";
  if (status === 408 || status === 504) return "timeout";
  if (status === 401 || status === 403) return "auth";
  if (status >= 500) return "server";
  return "client";
}

/** Whether a Retry-After header means something for this kind (not for auth or client errors). */
export function retryAfterApplies(kind: StatusKind): boolean {
  return kind !== "auth" && kind !== "client";
}

/**
 * Milliseconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date),
 * or undefined when neither is usable. Header names are matched case-insensitively.
 */
export function parseRetryAfter(
  headers: Record<string, string> | Headers | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const lookup =
    headers instanceof Headers
      ? (name: string) => headers.get(name)?.trim() || undefined
      : (name: string) =>
          Object.entries(headers)
            .find(([key]) => key.toLowerCase() === name)?.[1]
            ?.trim() || undefined;
  const milliseconds = lookup("retry-after-ms");
  if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds))
    return Math.round(Number(milliseconds));
  const value = lookup("retry-after");
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
