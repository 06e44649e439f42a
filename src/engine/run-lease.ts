import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { CancelledError, RunBusyError, StoreError } from "../errors.ts";
import { processAlive } from "./process-alive.ts";
import type { LeaseOwner, RunLease, Store } from "./store.ts";

/** How often the holder of a run's lease renews its heartbeat. */
export const LEASE_HEARTBEAT_MS = 5000;
/** A lease whose heartbeat is older than this is taken over (its holder is presumed gone). */
export const LEASE_STALE_MS = 30_000;
/** How often a command waiting for a run (--wait) tries again. */
export const LEASE_POLL_MS = 1000;

export interface RunLeaseOptions {
  /** Wait for the holder to finish instead of refusing with RunBusyError. */
  wait?: boolean;
  /** Called once when the run is held by another live command and this one waits. */
  onWait?: (holder: RunLease) => void;
  /** Stops a wait (CancelledError). */
  signal?: AbortSignal;
  heartbeatMs?: number;
  staleMs?: number;
  pollMs?: number;
}

/** A run's lease held by this process: renewed by an unref'd timer until released. */
export interface HeldRunLease {
  owner: LeaseOwner;
  /** The dead or silent holder this lease was taken from, if any. */
  takenOver: RunLease | undefined;
  /** Aborted when a heartbeat finds the lease taken over by another command. */
  lost: AbortSignal;
  /** Renews now; throws StoreError when the lease was taken over meanwhile. */
  confirm(): void;
  release(): void;
}

/** This process as a lease owner; the random part tells two sessions of one process apart. */
export function leaseOwner(): LeaseOwner {
  const host = hostname();
  return { id: `${host}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`, host, pid: process.pid };
}

/**
 * Whether a lease's holder may still be playing: its heartbeat is recent and, on this machine, its
 * process is alive. A holder killed on this host is taken over at once; one on another host once
 * its heartbeat is older than `staleMs`.
 */
export function leaseIsLive(lease: RunLease, staleMs = LEASE_STALE_MS, now = Date.now()): boolean {
  if (now - Date.parse(lease.heartbeatAt) > staleMs) return false;
  return lease.owner.host !== hostname() || processAlive(lease.owner.pid);
}

/**
 * Takes the lease of a run so that only this command plays it. A live holder makes this refuse
 * with RunBusyError naming it, or, with `wait`, poll until the holder releases the lease or is
 * gone. Runs different in id never wait for each other.
 */
export async function holdRunLease(
  store: Store,
  runId: string,
  options: RunLeaseOptions = {},
): Promise<HeldRunLease> {
  const owner = leaseOwner();
  const staleMs = options.staleMs ?? LEASE_STALE_MS;
  const isLive = (lease: RunLease) => leaseIsLive(lease, staleMs);
  let waiting = false;
  for (;;) {
    const claim = store.acquireRunLease(runId, owner, isLive);
    if (claim.acquired) return heartbeat(store, runId, owner, claim.takenOver, options);
    const { holder } = claim;
    if (!options.wait)
      throw new RunBusyError(runId, {
        host: holder.owner.host,
        pid: holder.owner.pid,
        since: holder.acquiredAt,
        heartbeatAt: holder.heartbeatAt,
      });
    if (!waiting) options.onWait?.(holder);
    waiting = true;
    try {
      await sleep(options.pollMs ?? LEASE_POLL_MS, undefined, { signal: options.signal });
    } catch {
      throw new CancelledError(`stopped waiting for run ${runId}`);
    }
  }
}

function heartbeat(
  store: Store,
  runId: string,
  owner: LeaseOwner,
  takenOver: RunLease | undefined,
  options: RunLeaseOptions,
): HeldRunLease {
  const lost = new AbortController();
  const renew = (): boolean => {
    if (lost.signal.aborted) return false;
    if (store.renewRunLease(runId, owner)) return true;
    lost.abort(new StoreError(lostMessage(store, runId)));
    return false;
  };
  const timer = setInterval(() => {
    try {
      renew();
    } catch {
      // A busy store: the next beat tries again (the lease stays ours for LEASE_STALE_MS).
    }
  }, options.heartbeatMs ?? LEASE_HEARTBEAT_MS);
  timer.unref();
  return {
    owner,
    takenOver,
    lost: lost.signal,
    confirm() {
      if (!renew()) throw lost.signal.reason;
    },
    release() {
      clearInterval(timer);
      if (!lost.signal.aborted) store.releaseRunLease(runId, owner);
    },
  };
}

function lostMessage(store: Store, runId: string): string {
  const now = store.getRunLease(runId);
  const by = now ? ` by pid ${now.owner.pid} on ${now.owner.host}` : "";
  return `run ${runId} was taken over${by} while this command played it (its heartbeat had stopped); this command stopped without marking the run`;
}
