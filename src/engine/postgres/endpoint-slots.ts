import pg from "pg";
import { CancelledError, StoreError } from "../../errors.ts";
import type { SharedEndpointSlots } from "../shared-endpoint-slots.ts";

/**
 * Takes the first free slot of an endpoint: slot numbers are PostgreSQL session advisory locks
 * (endpoint key, slot). A session may take its own lock again, so the slots this process already
 * holds are passed in and skipped. A loop in a function, not `LIMIT 1` over
 * `pg_try_advisory_lock` in a query, which PostgreSQL may evaluate for more rows than it returns.
 */
const TAKE_SLOT_FUNCTION = `
CREATE OR REPLACE FUNCTION turnsafe_take_endpoint_slot(endpoint_key integer, slots integer, held integer[])
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  slot integer;
BEGIN
  FOR slot IN 0 .. slots - 1 LOOP
    IF NOT (slot = ANY(held)) AND pg_try_advisory_lock(endpoint_key, slot) THEN
      RETURN slot;
    END IF;
  END LOOP;
  RETURN NULL;
END $$`;

/** Poll delays while every slot of an endpoint is taken (ms): short at first, then backing off. */
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;

/** A request of this process waiting for a slot: called with a slot handed over to it. */
type Waiter = (slot: number) => void;

/** A stable 32-bit key for an endpoint (its URL is never stored, only hashed). */
export function endpointLockKey(endpoint: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < endpoint.length; i++) hash = Math.imul(hash ^ endpoint.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/**
 * Per-endpoint concurrency shared by every process on one PostgreSQL database: a request holds
 * one of the endpoint's `limit` slots, a session advisory lock on this process's own connection.
 * Processes together therefore never have more than `limit` requests in flight to an endpoint; a
 * process that dies loses its connection and with it its slots (no lease to wait out). A slot
 * freed while another request of this process waits is handed to it directly: at saturation a
 * process keeps the slots it has (the total still holds; slots are not balanced between processes).
 */
export class PgEndpointSlots implements SharedEndpointSlots {
  readonly #client: pg.Client;
  /** Slots this process holds, per endpoint key. */
  readonly #held = new Map<number, Set<number>>();
  /** Requests of this process waiting for a slot, per endpoint key. */
  readonly #waiters = new Map<number, Waiter[]>();
  #closed = false;
  #attempts: Promise<unknown> = Promise.resolve();

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  /** Connects (one connection per process) and installs the slot function. */
  static async open(url: string, label: string): Promise<PgEndpointSlots> {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => {});
    try {
      await client.connect();
      // One installer at a time: concurrent CREATE OR REPLACE of one function can fail.
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock(7263541)");
      await client.query(TAKE_SLOT_FUNCTION);
      await client.query("COMMIT");
    } catch (error) {
      await client.end().catch(() => {});
      throw new StoreError(`cannot open endpoint slots on ${label}: ${(error as Error).message}`);
    }
    return new PgEndpointSlots(client);
  }

  async acquire(endpoint: string, limit: number, signal?: AbortSignal): Promise<() => void> {
    const key = endpointLockKey(endpoint);
    let held = this.#held.get(key);
    if (!held) {
      held = new Set();
      this.#held.set(key, held);
    }
    let waiters = this.#waiters.get(key);
    if (!waiters) {
      waiters = [];
      this.#waiters.set(key, waiters);
    }
    let delay = FIRST_POLL_MS;
    for (;;) {
      if (signal?.aborted) throw new CancelledError();
      if (this.#closed) throw new StoreError("endpoint slots closed");
      const slot = (await this.#take(key, limit, held)) ?? (await this.#handedOver(waiters, delay, signal));
      if (slot !== undefined) return this.#releaser(key, held, waiters, slot);
      delay = Math.min(MAX_POLL_MS, delay * 2);
    }
  }

  /**
   * Waits up to about `delay` ms for a slot this process frees (handed over without a query: at
   * saturation a slot passes from one request to the next of this process with no round trip).
   */
  #handedOver(waiters: Waiter[], delay: number, signal?: AbortSignal): Promise<number | undefined> {
    return new Promise((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", stop);
        const index = waiters.indexOf(waiter);
        if (index >= 0) waiters.splice(index, 1);
        resolve(undefined);
      };
      const waiter: Waiter = (slot) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", stop);
        resolve(slot);
      };
      const timer = setTimeout(stop, delay * (0.5 + Math.random()));
      signal?.addEventListener("abort", stop, { once: true });
      waiters.push(waiter);
    });
  }

  /**
   * One attempt to take a slot. Attempts (and unlocks) of this process run one after another, each with the
   * slots held when it runs: two at once would both see a slot free and, the lock being this
   * session's already, both "take" it.
   */
  #take(key: number, limit: number, held: Set<number>): Promise<number | undefined> {
    const attempt = this.#attempts.then(async () => {
      if (held.size >= limit) return undefined;
      const result = await this.#client.query<{ slot: number | null }>(
        "SELECT turnsafe_take_endpoint_slot($1, $2, $3::integer[]) AS slot",
        [key, limit, [...held]],
      );
      const slot = result.rows[0]?.slot;
      if (slot === null || slot === undefined) return undefined;
      held.add(slot);
      return slot;
    });
    this.#attempts = attempt.catch(() => undefined);
    return attempt;
  }

  #releaser(key: number, held: Set<number>, waiters: Waiter[], slot: number): () => void {
    let released = false;
    return () => {
      if (released || this.#closed) return;
      released = true;
      const next = waiters.shift();
      if (next) {
        next(slot);
        return;
      }
      // In line with the attempts (one query at a time on the connection): the slot is free for
      // this process only once the unlock ran, so it stays in `held` until then.
      this.#attempts = this.#attempts
        .then(() => this.#client.query("SELECT pg_advisory_unlock($1, $2)", [key, slot]))
        .catch(() => undefined)
        .finally(() => held.delete(slot));
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.end().catch(() => {});
  }
}
