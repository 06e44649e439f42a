import type { TargetErrorKind } from "../errors.ts";
import type { EndpointLimiter, LimiterStats } from "./endpoint-limiter.ts";

/** Failed attempts counted by cause. Retries are attempts after the first of a call. */
export interface AttemptCounts {
  retries: number;
  /** Attempts answered with a 429. */
  rateLimited: number;
  /** Attempts answered with a 5xx (or 408/504), or that timed out. */
  serverErrors: number;
  /** Calls that failed for good (after their last attempt). */
  failedCalls: number;
}

/** One endpoint's throttling state and counts. */
export interface EndpointStats extends LimiterStats, AttemptCounts {
  endpoint: string;
}

/** The executor's counts and current concurrency, for the whole run and per endpoint. */
export interface ExecutorStats extends AttemptCounts {
  /** Attempts holding a slot now, over all endpoints. */
  inFlight: number;
  /** Allowed and configured concurrency summed over endpoints. */
  allowed: number;
  maxConcurrency: number;
  endpoints: EndpointStats[];
}

/** Whether a failure kind counts as a server error (5xx, gateway timeouts, attempt timeouts). */
export function isServerFailure(kind: TargetErrorKind | undefined): boolean {
  return kind === "server" || kind === "timeout";
}

export function emptyCounts(): AttemptCounts {
  return { retries: 0, rateLimited: 0, serverErrors: 0, failedCalls: 0 };
}

/** Sums endpoint counts and limiter snapshots into executor stats. */
export function collectStats(
  limiters: ReadonlyMap<string, EndpointLimiter>,
  counts: ReadonlyMap<string, AttemptCounts>,
): ExecutorStats {
  const total: ExecutorStats = {
    ...emptyCounts(),
    inFlight: 0,
    allowed: 0,
    maxConcurrency: 0,
    endpoints: [],
  };
  for (const [endpoint, limiter] of limiters) {
    const endpointCounts = counts.get(endpoint) ?? emptyCounts();
    const snapshot = limiter.stats();
    total.endpoints.push({ endpoint, ...snapshot, ...endpointCounts });
    total.inFlight += snapshot.active;
    total.allowed += snapshot.allowed;
    total.maxConcurrency += snapshot.maxConcurrency;
    total.retries += endpointCounts.retries;
    total.rateLimited += endpointCounts.rateLimited;
    total.serverErrors += endpointCounts.serverErrors;
    total.failedCalls += endpointCounts.failedCalls;
  }
  return total;
}
