/**
 * A concurrency budget per endpoint shared by several processes (distributed workers): the call
 * executor takes a slot for each attempt, after its own (per-process) endpoint limiter, and frees
 * it when the attempt ends. See postgres/endpoint-slots.ts.
 */
export interface SharedEndpointSlots {
  /** Waits for one of the endpoint's `limit` slots; resolves to a function that frees it. */
  acquire(endpoint: string, limit: number, signal?: AbortSignal): Promise<() => void>;
}
