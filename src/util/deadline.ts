/** A signal that aborts when its parent does or when time runs out. */
export interface Deadline {
  signal: AbortSignal;
  /** True when the time limit (not the parent) aborted it. */
  timedOut(): boolean;
  /** Clears the timer and the parent listener; call when the work is over. */
  dispose(): void;
}

/**
 * Combines a parent signal with a time limit. Does the job of `AbortSignal.any` plus
 * `AbortSignal.timeout` at a fraction of their cost, which matters at thousands of calls a second.
 * The timeout reason is a DOMException named TimeoutError, as AbortSignal.timeout gives.
 */
export function deadline(parent: AbortSignal | undefined, ms: number): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError"));
  }, ms);
  return {
    signal: controller.signal,
    timedOut: () => expired,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
