import { mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { CancelledError, RunBusyError } from "../errors.ts";
import { holdRunLease, leaseIsLive, leaseOwner } from "./run-lease.ts";
import { callValues } from "./sqlite-rows.ts";
import { STORE_SCHEMA } from "./sqlite-schema.ts";
import { SqliteStore } from "./sqlite-store.ts";
import type { CallRecord, LeaseOwner, RunLease } from "./store.ts";
import { logLine } from "./write-log.ts";

const otherHost: LeaseOwner = { id: "elsewhere:123:abc", host: "elsewhere.invalid", pid: 123 };

function lease(owner: LeaseOwner, heartbeatAgoMs: number): RunLease {
  const at = new Date(Date.now() - heartbeatAgoMs).toISOString();
  return { runId: "r", owner, acquiredAt: at, heartbeatAt: at };
}

describe("leaseIsLive", () => {
  it("takes over a holder on this host whose process is gone, at once", () => {
    const dead = { id: "x", host: hostname(), pid: 2 ** 22 + 12345 };
    expect(leaseIsLive(lease(dead, 0))).toBe(false);
    expect(leaseIsLive(lease(leaseOwner(), 0))).toBe(true);
  });

  it("takes over a holder on another host once its heartbeat is stale", () => {
    expect(leaseIsLive(lease(otherHost, 1000), 30_000)).toBe(true);
    expect(leaseIsLive(lease(otherHost, 31_000), 30_000)).toBe(false);
    // Also on this host: a stopped (Ctrl-Z) or hung process stops renewing.
    expect(leaseIsLive(lease(leaseOwner(), 31_000), 30_000)).toBe(false);
  });
});

describe("run leases in the SQLite store", () => {
  it("gives a run to one owner at a time and names the holder to the others", () => {
    const store = new SqliteStore(":memory:");
    const a = leaseOwner();
    const b = leaseOwner();
    expect(store.acquireRunLease("r", a, () => true)).toEqual({ acquired: true });
    const refused = store.acquireRunLease("r", b, () => true);
    expect(refused).toMatchObject({ acquired: false, holder: { owner: a } });
    expect(store.acquireRunLease("other-run", b, () => true)).toEqual({ acquired: true });
    expect(store.renewRunLease("r", a)).toBe(true);
    expect(store.renewRunLease("r", b)).toBe(false);
    store.releaseRunLease("r", b);
    expect(store.getRunLease("r")?.owner).toEqual(a);
    store.releaseRunLease("r", a);
    expect(store.getRunLease("r")).toBeUndefined();
    expect(store.acquireRunLease("r", b, () => true)).toEqual({ acquired: true });
    // Taken over from a holder found dead: the new owner learns whom it replaced.
    const claim = store.acquireRunLease("r", a, () => false);
    expect(claim).toMatchObject({ acquired: true, takenOver: { owner: b } });
    expect(store.renewRunLease("r", b)).toBe(false);
    store.close();
  });

  it("applies the write log of a holder that died after the store was opened when taking its run over", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-lease-")), "s.db");
    const store = new SqliteStore(file);
    const deadPid = 2 ** 22 + 4321;
    const holder: LeaseOwner = { id: `${hostname()}:${deadPid}:x`, host: hostname(), pid: deadPid };
    expect(store.acquireRunLease("r", holder, () => true)).toEqual({ acquired: true });
    // What the holder answered and logged before it was killed, never committed.
    const call: CallRecord = {
      workKey: "r/c1/target/turn-1",
      runId: "r",
      caseId: "c1",
      role: "target",
      targetId: "t",
      requestHash: "h1",
      status: "ok",
      cached: false,
      attempts: 1,
      rateLimited: 0,
      serverErrors: 0,
      error: null,
      text: "answer",
      usage: { inputTokens: 3, outputTokens: 4 },
      costUsd: 0.5,
      latencyMs: 10,
      createdAt: "2026-01-01T00:00:00Z",
    };
    writeFileSync(`${path.resolve(file)}-turnsafe-log-${deadPid}-abcdef`, logLine("call", callValues(call)));
    expect(store.getCall(call.workKey)).toBeUndefined();
    const claim = store.acquireRunLease("r", leaseOwner(), (lease) => leaseIsLive(lease));
    expect(claim).toMatchObject({ acquired: true, takenOver: { owner: holder } });
    expect(store.getCall(call.workKey)).toMatchObject({ costUsd: 0.5, usage: { outputTokens: 4 } });
    store.close();
  });

  it("opens a store made before leases existed and adds the table", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-lease-")), "old.db");
    const old = new DatabaseSync(file);
    old.exec(STORE_SCHEMA);
    old.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '1')");
    old.close();
    const store = new SqliteStore(file);
    expect(store.acquireRunLease("r", leaseOwner(), () => true)).toEqual({ acquired: true });
    store.close();
  });
});

describe("holdRunLease", () => {
  it("refuses a run held by a live command with its pid, host and start", async () => {
    const store = new SqliteStore(":memory:");
    const first = await holdRunLease(store, "r");
    const error = await holdRunLease(store, "r").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunBusyError);
    expect((error as RunBusyError).holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect((error as Error).message).toContain(`pid ${process.pid} on ${hostname()}, since `);
    first.release();
    (await holdRunLease(store, "r")).release();
    store.close();
  });

  it("waits for the holder to release the run, and stops waiting on abort", async () => {
    const store = new SqliteStore(":memory:");
    const first = await holdRunLease(store, "r");
    const waits: RunLease[] = [];
    const second = holdRunLease(store, "r", { wait: true, pollMs: 10, onWait: (h) => waits.push(h) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    first.release();
    const held = await second;
    expect(waits).toHaveLength(1);
    expect(store.getRunLease("r")?.owner).toEqual(held.owner);
    const controller = new AbortController();
    const third = holdRunLease(store, "r", { wait: true, pollMs: 10, signal: controller.signal });
    controller.abort();
    await expect(third).rejects.toBeInstanceOf(CancelledError);
    held.release();
    store.close();
  });

  it("renews the heartbeat and notices when the run was taken over", async () => {
    const store = new SqliteStore(":memory:");
    const held = await holdRunLease(store, "r", { heartbeatMs: 10 });
    const first = store.getRunLease("r")?.heartbeatAt ?? "";
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((store.getRunLease("r")?.heartbeatAt ?? "") > first).toBe(true);
    store.acquireRunLease("r", otherHost, () => false);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(held.lost.aborted).toBe(true);
    expect(() => held.confirm()).toThrow(/taken over by pid 123 on elsewhere.invalid/);
    held.release();
    // Releasing a lost lease leaves the new holder's alone.
    expect(store.getRunLease("r")?.owner).toEqual(otherHost);
    store.close();
  });
});
