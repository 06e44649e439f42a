import { CancelledError } from "../errors.ts";

interface Waiter {
  grant(): void;
}

/**
 * Bounds concurrent requests to one endpoint and slows down when it says "too many
 * requests": the allowed concurrency halves on a 429 (and the endpoint pauses for its
 * Retry-After), then grows back by one per window of successes (additive increase).
 * Slots are handed to waiters first come, first served.
 */
export class EndpointLimiter {
  readonly maxConcurrency: number;
  #allowed: number;
  #active = 0;
  #successesSinceGrowth = 0;
  #pausedUntil = 0;
  #wakeTimer: NodeJS.Timeout | undefined;
  readonly #waiting: Waiter[] = [];

  constructor(maxConcurrency: number) {
    this.maxConcurrency = Math.max(1, Math.floor(maxConcurrency));
    this.#allowed = this.maxConcurrency;
  }

  /** The concurrency currently allowed. */
  get allowed(): number {
    return this.#allowed;
  }

  /** Requests holding a slot now. */
  get active(): number {
    return this.#active;
  }

  /** Waits for a slot; resolves to a function that frees it. */
  acquire(signal?: AbortSignal): Promise<() => void> {
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

  /** Records a success; grows the allowed concurrency after a window of them. */
  onSuccess(): void {
    if (this.#allowed >= this.maxConcurrency) return;
    if (++this.#successesSinceGrowth >= this.#allowed) {
      this.#successesSinceGrowth = 0;
      this.#allowed++;
      this.#drain();
    }
  }

  /** Records a 429: halves the allowed concurrency and pauses the endpoint for `retryAfterMs`. */
  onRateLimited(retryAfterMs: number | undefined): void {
    this.#allowed = Math.max(1, Math.floor(this.#allowed / 2));
    this.#successesSinceGrowth = 0;
    if (retryAfterMs && retryAfterMs > 0)
      this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + retryAfterMs);
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#drain();
    };
  }

  #canStart(): boolean {
    return this.#active < this.#allowed && Date.now() >= this.#pausedUntil;
  }

  #drain(): void {
    while (this.#waiting.length > 0 && this.#canStart()) this.#waiting.shift()?.grant();
    this.#scheduleWake();
  }

  #scheduleWake(): void {
    if (this.#wakeTimer || this.#waiting.length === 0) return;
    const delay = this.#pausedUntil - Date.now();
    if (delay <= 0) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#drain();
    }, delay);
  }
}
