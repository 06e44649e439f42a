import type { SqlValue } from "./pending-writes.ts";
import type { Row } from "./sqlite-rows.ts";
import type { LeaseClaim, LeaseOwner, RunLease } from "./store.ts";

/** How the lease statements reach SQLite (inside the store's write transaction where needed). */
export interface LeaseStatements {
  get(sql: string, ...values: SqlValue[]): Row | undefined;
  /** Runs a write; returns the number of rows it changed. */
  run(sql: string, ...values: SqlValue[]): number;
}

export function getLease(sql: LeaseStatements, runId: string): RunLease | undefined {
  const row = sql.get("SELECT * FROM leases WHERE run_id = ?", runId);
  if (!row) return undefined;
  return {
    runId,
    owner: { id: row.owner as string, host: row.host as string, pid: Number(row.pid) },
    acquiredAt: row.acquired_at as string,
    heartbeatAt: row.heartbeat_at as string,
  };
}

/** Call inside one write transaction, so two processes cannot both take a lease. */
export function acquireLease(
  sql: LeaseStatements,
  runId: string,
  owner: LeaseOwner,
  isLive: (lease: RunLease) => boolean,
): LeaseClaim {
  const current = getLease(sql, runId);
  const mine = current?.owner.id === owner.id;
  if (current && !mine && isLive(current)) return { acquired: false, holder: current };
  const now = new Date().toISOString();
  sql.run(
    `INSERT OR REPLACE INTO leases (run_id, owner, host, pid, acquired_at, heartbeat_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
    runId,
    owner.id,
    owner.host,
    owner.pid,
    mine ? current.acquiredAt : now,
    now,
  );
  return current && !mine ? { acquired: true, takenOver: current } : { acquired: true };
}

export function renewLease(sql: LeaseStatements, runId: string, owner: LeaseOwner): boolean {
  const changed = sql.run(
    "UPDATE leases SET heartbeat_at = ? WHERE run_id = ? AND owner = ?",
    new Date().toISOString(),
    runId,
    owner.id,
  );
  return changed > 0;
}

export function releaseLease(sql: LeaseStatements, runId: string, owner: LeaseOwner): void {
  sql.run("DELETE FROM leases WHERE run_id = ? AND owner = ?", runId, owner.id);
}
