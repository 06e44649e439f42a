import type { RateLimitHint } from "../contracts/index.ts";

/**
 * Budgets providers report in response headers, as [remaining header, reset header, reset format].
 * OpenAI sends durations ("1s", "6m0s", "20ms"); Anthropic sends RFC 3339 times; the IETF
 * draft (`ratelimit-*`, used by several gateways) sends seconds.
 */
const BUDGETS: readonly [string, string, "duration" | "date" | "seconds"][] = [
  ["x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", "duration"],
  ["x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "duration"],
  ["anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset", "date"],
  ["anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset", "date"],
  ["anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset", "date"],
  ["anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset", "date"],
  ["ratelimit-remaining", "ratelimit-reset", "seconds"],
];

/**
 * The tightest budget in a response's rate-limit headers: a spent one (remaining 0, with the
 * longest reset among the spent) if any, else the request budget. Undefined when the response
 * carries none. Header names are matched case-insensitively.
 */
export function parseRateLimitHeaders(
  headers: Record<string, string | undefined> | undefined,
  now: number = Date.now(),
): RateLimitHint | undefined {
  if (!headers) return undefined;
  // One pass without allocation for the common case of no rate-limit headers at all.
  let budgets: Map<string, string> | undefined;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined || !/ratelimit/i.test(key)) continue;
    budgets ??= new Map();
    budgets.set(key.toLowerCase(), value);
  }
  if (!budgets) return undefined;
  const get = (name: string) => budgets.get(name);
  let first: RateLimitHint | undefined;
  let spent: RateLimitHint | undefined;
  for (const [remainingName, resetName, format] of BUDGETS) {
    const remainingText = get(remainingName)?.trim();
    if (remainingText === undefined || !/^\d+$/.test(remainingText)) continue;
    const resetMs = parseReset(get(resetName)?.trim(), format, now);
    if (resetMs === undefined) continue;
    const hint = { remaining: Number(remainingText), resetMs };
    first ??= hint;
    if (hint.remaining === 0 && (!spent || hint.resetMs > spent.resetMs)) spent = hint;
  }
  return spent ?? first;
}

function parseReset(value: string | undefined, format: "duration" | "date" | "seconds", now: number) {
  if (!value) return undefined;
  if (format === "seconds") return /^\d+(\.\d+)?$/.test(value) ? Math.round(Number(value) * 1000) : undefined;
  if (format === "date") {
    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : Math.max(0, time - now);
  }
  return parseDuration(value);
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** A Go-style duration ("1m30.5s", "20ms", "2h0m0s") in milliseconds, or undefined. */
export function parseDuration(value: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g))
    total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  return Math.round(total);
}
