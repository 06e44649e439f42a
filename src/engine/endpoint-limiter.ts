import type { RateLimitHint } from "../contracts/index.ts";
import { CancelledError } from "../errors.ts";

/** How an attempt that held a slot ended, as far as throttling cares. */
export type AttemptOutcome = "success" | "rate-limited" | "failed";

/** Frees a slot; the outcome feeds the 429-rate window (omit it for attempts that say nothing). */
export type ReleaseSlot = (outcome?: AttemptOutcome, hint?: RateLimitHint) => void;

/** A snapshot of a limiter, for progress displays and executor stats. */
export interface LimiterStats {
  maxConcurrency: number;
  allowed: number;
  active: number;
  waiting: number;
  /** Times the allowed concurrency was cut, and raised again. */
  decreases: number;
  increases: number;
  /** Milliseconds new requests are still held because the endpoint said its budget is spent. */
  heldForMs: number;
}

/**
 * Throttling constants (see the class comment). Exported so tests and docs name the same values.
 */
export const THROTTLE = {
  /** Recent completions kept to judge the 429 rate. */
  window: 40,
  /** Completions needed in the window before the rate is acted on. */
  minSamples: 20,
  /** A 429 share of recent completions above this cuts concurrency. */
  decreaseAbove: 0.25,
  /** Multiplicative decrease. */
  decreaseFactor: 0.7,
  /** Growth happens only while the 429 share is below this. */
  increaseBelow: 0.1,
  /** Multiplicative increase, at least +1 step... */
  increaseFactor: 1.25,
  /** ...after this many successes at the current level (and never fewer than a quarter of it). */
  increaseAfter: 8,
  /** Longest pause taken from rate-limit headers that report a spent budget. */
  maxHoldMs: 60_000,
} as const;

interface Waiter {
  grant(): void;
}

/**
 * Bounds concurrent requests to one endpoint and adapts to its rate limits, the way
 * well-behaved API clients do:
 *
 * - A 429 delays only the request that got it (the caller waits its Retry-After, see
 *   retry-policy.ts); it does not pause the endpoint, and one 429 does not cut concurrency.
 * - Concurrency is cut only on a sustained 429 rate: when more than `decreaseAbove` of the
 *   last `window` completions (at least `minSamples`) were 429s, the allowed concurrency is
 *   multiplied by `decreaseFactor`. Completions of attempts that started before a cut are not
 *   counted afterwards (they reflect the old level), so one burst cuts once.
 * - It recovers quickly: after `max(increaseAfter, allowed / 4)` successes at a level, with the
 *   429 share below `increaseBelow`, the allowance grows by `increaseFactor` (at least +1), up
 *   to the configured maximum.
 * - When a response's rate-limit headers say the budget is spent (remaining 0), new requests
 *   wait until the reset the headers give (at most `maxHoldMs`): they would only get 429s.
 *
 * Slots are handed to waiters first come, first served.
 */
export class EndpointLimiter {
  readonly maxConcurrency: number;
  #allowed: number;
  #active = 0;
  /** Bumped at each cut; attempts remember the epoch they started in. */
  #epoch = 0;
  /** Ring of recent outcomes of the current epoch: true for a 429. */
  readonly #recent: boolean[] = [];
  #recentNext = 0;
  #recentLimited = 0;
  #successesAtLevel = 0;
  #decreases = 0;
  #increases = 0;
  #heldUntil = 0;
  #wakeTimer: NodeJS.Timeout | undefined;
  readonly #waiting: Waiter[] = [];
  readonly #now: () => number;

  constructor(maxConcurrency: number, now: () => number = Date.now) {
    this.maxConcurrency = Math.max(1, Math.floor(maxConcurrency));
    this.#allowed = this.maxConcurrency;
    this.#now = now;
  }

  /** The concurrency currently allowed. */
  get allowed(): number {
    return this.#allowed;
  }

  /** Requests holding a slot now. */
  get active(): number {
    return this.#active;
  }

  stats(): LimiterStats {
    return {
      maxConcurrency: this.maxConcurrency,
      allowed: this.#allowed,
      active: this.#active,
      waiting: this.#waiting.length,
      decreases: this.#decreases,
      increases: this.#increases,
      heldForMs: Math.max(0, this.#heldUntil - this.#now()),
    };
  }

  /** Waits for a slot; resolves to a function that frees it and reports how the attempt ended. */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (this.#waiting.length === 0 && this.#canStart()) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(new CancelledError());
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          this.#active++;
          resolve(this.#releaser());
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#scheduleWake();
    });
  }

  #releaser(): ReleaseSlot {
    const epoch = this.#epoch;
    let released = false;
    return (outcome, hint) => {
      if (released) return;
      released = true;
      this.#active--;
      if (hint) this.#onHint(hint);
      if (outcome && epoch === this.#epoch) this.#record(outcome);
      this.#drain();
    };
  }

  #record(outcome: AttemptOutcome): void {
    const limited = outcome === "rate-limited";
    if (this.#recent.length < THROTTLE.window) this.#recent.push(limited);
    else {
      if (this.#recent[this.#recentNext]) this.#recentLimited--;
      this.#recent[this.#recentNext] = limited;
      this.#recentNext = (this.#recentNext + 1) % THROTTLE.window;
    }
    if (limited) this.#recentLimited++;
    const share = this.#recentLimited / this.#recent.length;
    if (limited) {
      if (this.#recent.length >= THROTTLE.minSamples && share > THROTTLE.decreaseAbove) this.#decrease();
      return;
    }
    if (outcome !== "success" || this.#allowed >= this.maxConcurrency) return;
    this.#successesAtLevel++;
    const needed = Math.max(THROTTLE.increaseAfter, Math.ceil(this.#allowed / 4));
    if (this.#successesAtLevel >= needed && share < THROTTLE.increaseBelow) {
      const grown = Math.max(this.#allowed + 1, Math.floor(this.#allowed * THROTTLE.increaseFactor));
      this.#allowed = Math.min(this.maxConcurrency, grown);
      this.#successesAtLevel = 0;
      this.#increases++;
    }
  }

  #decrease(): void {
    const cut = Math.max(1, Math.floor(this.#allowed * THROTTLE.decreaseFactor));
    if (cut < this.#allowed) this.#decreases++;
    this.#allowed = cut;
    this.#epoch++;
    this.#recent.length = 0;
    this.#recentNext = 0;
    this.#recentLimited = 0;
    this.#successesAtLevel = 0;
  }

  #onHint(hint: RateLimitHint): void {
    if (hint.remaining > 0 || hint.resetMs <= 0) return;
    this.#heldUntil = Math.max(this.#heldUntil, this.#now() + Math.min(hint.resetMs, THROTTLE.maxHoldMs));
  }

  #canStart(): boolean {
    return this.#active < this.#allowed && this.#now() >= this.#heldUntil;
  }

  #drain(): void {
    while (this.#waiting.length > 0 && this.#canStart()) this.#waiting.shift()?.grant();
    this.#scheduleWake();
  }

  #scheduleWake(): void {
    if (this.#wakeTimer || this.#waiting.length === 0) return;
    const delay = this.#heldUntil - this.#now();
    if (delay <= 0) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#drain();
    }, delay);
  }
}
