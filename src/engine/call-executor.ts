import { setTimeout as sleep } from "node:timers/promises";
import type { CallRole, RateLimitHint, Target, TargetRequest, TargetResponse } from "../contracts/index.ts";
import { CancelledError, describeError, TargetError, type TargetErrorKind } from "../errors.ts";
import { deadline } from "../util/deadline.ts";
import {
  type AttemptCounts,
  collectStats,
  type ExecutorStats,
  emptyCounts,
  isServerFailure,
} from "./call-stats.ts";
import { type AttemptOutcome, EndpointLimiter } from "./endpoint-limiter.ts";
import type { PriceTable } from "./pricing.ts";
import { ImageHasher, requestHash, workKey } from "./request-hash.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from "./retry-policy.ts";
import type { SharedEndpointSlots } from "./shared-endpoint-slots.ts";
import type { Store } from "./store.ts";
import { targetHints } from "./target-hints.ts";

/**
 * What the executor reports as calls happen (for progress displays). `throttle` says the
 * endpoint's allowed concurrency changed (see EndpointLimiter); `errorKind` and `delayMs` say
 * why a retry happens and how long it waits.
 */
export interface CallEvent {
  kind: "success" | "cached" | "resumed" | "retry" | "failed" | "throttle";
  role: CallRole;
  targetId: string;
  attempt: number;
  error?: string;
  errorKind?: TargetErrorKind;
  delayMs?: number;
  endpoint?: string;
  /** For `throttle`: the endpoint's allowed and configured concurrency. */
  allowed?: number;
  maxConcurrency?: number;
}

export interface CallExecutorOptions {
  store: Store;
  runId: string;
  prices: PriceTable;
  retry?: Partial<RetryPolicy>;
  /** Reuse answers to identical requests from earlier runs (default true). */
  cache?: boolean;
  /** Default per-endpoint concurrency when a target does not set one. */
  concurrency?: number;
  /** Per-endpoint concurrency overrides, keyed by Target.endpoint. */
  endpointConcurrency?: Record<string, number>;
  signal?: AbortSignal;
  /**
   * True when the run was created just now: no call of it can be stored yet, so calls skip the
   * lookup by work key (a resumed run looks every call up).
   */
  newRun?: boolean;
  onEvent?: (event: CallEvent) => void;
  random?: () => number;
  /**
   * Distributed workers: each endpoint's concurrency is also a budget shared with other processes
   * (an attempt holds one of its slots while it runs).
   */
  sharedSlots?: SharedEndpointSlots;
}

/**
 * A caller bound to one case (judges and drivers take it as their ModelCaller, the same shape);
 * named here so the engine imports no judge module.
 */
export interface CaseCaller {
  call(role: CallRole, target: Target, request: TargetRequest, step: string): Promise<TargetResponse>;
}

/**
 * Makes every model call of a run: resumes finished calls by work key, serves cached
 * answers, bounds concurrency per endpoint, retries with backoff, and records usage,
 * cost and failures in the store.
 */
export class CallExecutor {
  readonly #options: CallExecutorOptions;
  readonly #policy: RetryPolicy;
  readonly #limiters = new Map<string, EndpointLimiter>();
  readonly #counts = new Map<string, AttemptCounts>();
  #backingOff = 0;
  readonly #backoffListeners = new Set<() => void>();
  readonly #hasher = new ImageHasher();
  /** Set once the run is recorded as using the simulator. */
  #simulatorMarked = false;

  constructor(options: CallExecutorOptions) {
    this.#options = options;
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /**
   * A caller bound to one case, as judges and drivers receive it. `sample` (k > 1 of a repeated
   * case) enters every request hash, so sample k is asked afresh rather than served the cached
   * answer of sample 1 (see requestHash).
   */
  forCase(caseId: string, sample?: number): CaseCaller {
    return { call: (role, target, request, step) => this.call(caseId, role, target, request, step, sample) };
  }

  /** Calls waiting out a retry delay now (they hold no endpoint slot meanwhile). */
  get backingOff(): number {
    return this.#backingOff;
  }

  /** Calls `listener` each time a call starts waiting out a retry delay; returns an unsubscribe. */
  onBackoff(listener: () => void): () => void {
    this.#backoffListeners.add(listener);
    return () => this.#backoffListeners.delete(listener);
  }

  /** Retries, 429s, server errors and concurrency, for the run and per endpoint. */
  stats(): ExecutorStats {
    return collectStats(this.#limiters, this.#counts);
  }

  /** The limiter of an endpoint (created on first use, sized by the first target seen there). */
  limiter(endpoint: string, targetConcurrency?: number): EndpointLimiter {
    let limiter = this.#limiters.get(endpoint);
    if (!limiter) {
      const configured =
        this.#options.endpointConcurrency?.[endpoint] ?? targetConcurrency ?? this.#options.concurrency ?? 8;
      limiter = new EndpointLimiter(configured);
      this.#limiters.set(endpoint, limiter);
      this.#counts.set(endpoint, emptyCounts());
    }
    return limiter;
  }

  /** Makes (or resumes, or serves from cache) one call; throws TargetError when it finally fails. */
  async call(
    caseId: string,
    role: CallRole,
    target: Target,
    request: TargetRequest,
    step: string,
    sample?: number,
  ): Promise<TargetResponse> {
    const { store, runId } = this.#options;
    if (targetHints(target).middleware) {
      // The wrapper is not a model call: it is replayed, and each call it makes is handled below.
      const context = {
        call: (innerRole: CallRole, inner: Target, innerRequest: TargetRequest, innerStep: string) =>
          this.call(caseId, innerRole, inner, innerRequest, `${step}/${innerStep}`, sample),
      };
      return target.generate({ ...request, signal: this.#options.signal, context });
    }
    const key = workKey(runId, caseId, role, step);
    const hash = await requestHash(target, request, this.#hasher, sample);
    const earlier = this.#options.newRun ? undefined : store.getCall(key);
    if (earlier?.status === "ok" && earlier.requestHash === hash && earlier.text !== null) {
      this.#emit({ kind: "resumed", role, targetId: target.id, attempt: earlier.attempts });
      return {
        text: earlier.text,
        usage: earlier.usage,
        finishReason: "resumed",
        modelId: target.model,
        warnings: [],
        callKey: key,
      };
    }
    const base = { workKey: key, runId, caseId, role, targetId: target.id, requestHash: hash };
    if (this.#options.cache !== false) {
      const cached = store.getCachedResponse(hash);
      if (cached) {
        const usage = { inputTokens: 0, outputTokens: 0 };
        store.putCall({
          ...base,
          status: "ok",
          cached: true,
          attempts: 0,
          rateLimited: 0,
          serverErrors: 0,
          error: null,
          text: cached.text,
          usage,
          costUsd: 0,
          latencyMs: 0,
          createdAt: new Date().toISOString(),
        });
        this.#emit({ kind: "cached", role, targetId: target.id, attempt: 0 });
        return {
          text: cached.text,
          usage,
          finishReason: cached.finishReason,
          modelId: cached.modelId,
          warnings: [],
          callKey: key,
        };
      }
    }
    const started = performance.now();
    const hints = targetHints(target);
    this.limiter(hints.endpoint, hints.concurrency);
    const counts = this.#counts.get(hints.endpoint) ?? emptyCounts();
    let attempt = 0;
    let rateLimited = 0;
    let serverErrors = 0;
    for (;;) {
      attempt++;
      try {
        const response = await this.#attempt(target, request, role, attempt);
        const costUsd = this.#options.prices.cost(target.provider, target.model, response.usage);
        const caching = this.#options.cache !== false;
        store.transaction(() => {
          // With the cache off the answer is not written to the cache: the call row keeps it.
          if (caching)
            store.putCachedResponse({
              requestHash: hash,
              targetFingerprint: target.fingerprint,
              text: response.text,
              usage: response.usage,
              finishReason: response.finishReason,
              modelId: response.modelId,
            });
          store.putCall({
            ...base,
            status: "ok",
            cached: false,
            attempts: attempt,
            rateLimited,
            serverErrors,
            error: null,
            text: response.text,
            keepsText: !caching,
            usage: response.usage,
            costUsd,
            latencyMs: performance.now() - started,
            createdAt: new Date().toISOString(),
          });
        });
        if (response.simulator) this.#markSimulator();
        this.#emit({ kind: "success", role, targetId: target.id, attempt });
        response.callKey = key;
        return response;
      } catch (error) {
        if (error instanceof CancelledError || this.#options.signal?.aborted) throw new CancelledError();
        const errorKind = error instanceof TargetError ? error.kind : undefined;
        if (errorKind === "rate-limited") {
          rateLimited++;
          counts.rateLimited++;
        } else if (isServerFailure(errorKind)) {
          serverErrors++;
          counts.serverErrors++;
        }
        const delay = retryDelay(error, attempt, this.#policy, this.#options.random);
        if (delay === undefined) {
          const reason = describeError(error);
          store.putCall({
            ...base,
            status: "errored",
            cached: false,
            attempts: attempt,
            rateLimited,
            serverErrors,
            error: reason,
            text: null,
            usage: { inputTokens: 0, outputTokens: 0 },
            costUsd: 0,
            latencyMs: performance.now() - started,
            createdAt: new Date().toISOString(),
          });
          counts.failedCalls++;
          this.#emit({ kind: "failed", role, targetId: target.id, attempt, error: reason, errorKind });
          throw error instanceof TargetError ? error : new TargetError("client", reason, { cause: error });
        }
        counts.retries++;
        this.#emit({
          kind: "retry",
          role,
          targetId: target.id,
          attempt,
          error: describeError(error),
          errorKind,
          delayMs: delay,
          endpoint: hints.endpoint,
        });
        this.#backingOff++;
        for (const listener of this.#backoffListeners) listener();
        try {
          await sleep(delay, undefined, { signal: this.#options.signal });
        } catch {
          throw new CancelledError();
        } finally {
          this.#backingOff--;
        }
      }
    }
  }

  async #attempt(
    target: Target,
    request: TargetRequest,
    role: CallRole,
    attempt: number,
  ): Promise<TargetResponse> {
    const hints = targetHints(target);
    const limiter = this.limiter(hints.endpoint, hints.concurrency);
    const release = await limiter.acquire(this.#options.signal);
    let releaseShared: (() => void) | undefined;
    try {
      releaseShared = await this.#options.sharedSlots?.acquire(
        hints.endpoint,
        limiter.maxConcurrency,
        this.#options.signal,
      );
    } catch (error) {
      release();
      throw error;
    }
    const timeoutMs = this.#options.retry?.timeoutMs ?? hints.timeoutMs ?? this.#policy.timeoutMs;
    // A target that enforces the time limit itself needs no second timer here.
    const limit = hints.enforcesTimeout ? undefined : deadline(this.#options.signal, timeoutMs);
    const allowedBefore = limiter.allowed;
    let outcome: AttemptOutcome | undefined;
    let hint: RateLimitHint | undefined;
    try {
      const response = await target.generate({
        ...request,
        signal: limit?.signal ?? this.#options.signal,
        timeoutMs,
      });
      outcome = "success";
      hint = response.rateLimit;
      return response;
    } catch (error) {
      if (this.#options.signal?.aborted) throw new CancelledError();
      outcome = error instanceof TargetError && error.kind === "rate-limited" ? "rate-limited" : "failed";
      if (limit?.timedOut() && !(error instanceof TargetError && error.kind !== "aborted"))
        throw new TargetError("timeout", `no answer within ${timeoutMs} ms`);
      throw error;
    } finally {
      limit?.dispose();
      releaseShared?.();
      release(outcome, hint);
      if (limiter.allowed !== allowedBefore)
        this.#emit({
          kind: "throttle",
          role,
          targetId: target.id,
          attempt,
          endpoint: hints.endpoint,
          allowed: limiter.allowed,
          maxConcurrency: limiter.maxConcurrency,
        });
    }
  }

  /** An answer labelled by the simulator makes the run's results simulator results, whatever the target's name. */
  #markSimulator(): void {
    if (this.#simulatorMarked) return;
    this.#simulatorMarked = true;
    const { store, runId } = this.#options;
    const run = store.getRun(runId);
    if (run && !run.simulator) store.putRun({ ...run, simulator: true });
  }

  #emit(event: CallEvent): void {
    this.#options.onEvent?.(event);
  }
}
