import { describe, expect, it } from "vitest";
import { FULL_POLICY } from "../../testing/guard-test-fixtures.ts";
import { newEntry } from "./guard-audit-entry.ts";
import { SqliteGuardAuditLog } from "./guard-audit-log.ts";
import type { GuardOptions } from "./guard-options.ts";

// Item 7 of issue 12: the audit table no longer grows without bound.
const OPTIONS = {
  moderator: { name: "m" },
  policy: FULL_POLICY,
  upstream: { description: "u" },
} as unknown as GuardOptions;

function entry(id: string, createdAt: Date) {
  return { ...newEntry(id, OPTIONS), createdAt: createdAt.toISOString() };
}

describe("guard audit retention", () => {
  it("keeps only the newest rows beyond the row limit", () => {
    const audit = new SqliteGuardAuditLog(":memory:", { retention: { maxRows: 5, maxAgeMs: 0 } });
    for (let index = 0; index < 12; index++) audit.record(entry(`r${index}`, new Date(Date.now() + index)));
    audit.flush();
    expect(audit.rows().map((row) => row.request_id)).toEqual(["r7", "r8", "r9", "r10", "r11"]);
    audit.close();
  });

  it("deletes rows older than the age limit", () => {
    const day = 24 * 3600 * 1000;
    const audit = new SqliteGuardAuditLog(":memory:", { retention: { maxAgeMs: 7 * day, maxRows: 0 } });
    audit.record(entry("old", new Date(Date.now() - 8 * day)));
    audit.record(entry("recent", new Date(Date.now() - 6 * day)));
    audit.flush();
    expect(audit.rows().map((row) => row.request_id)).toEqual(["recent"]);
    audit.close();
  });

  it("applies the limits at most once per interval, and not at all when turned off", () => {
    const audit = new SqliteGuardAuditLog(":memory:", {
      retention: { maxRows: 2, maxAgeMs: 0, pruneEveryMs: 3_600_000 },
    });
    for (const id of ["a", "b", "c"]) audit.record(entry(id, new Date()));
    audit.flush();
    expect(audit.rows()).toHaveLength(2);
    for (const id of ["d", "e"]) audit.record(entry(id, new Date()));
    audit.flush();
    expect(audit.rows()).toHaveLength(4);
    expect(audit.prune()).toBe(2);
    audit.close();
    const unlimited = new SqliteGuardAuditLog(":memory:", { retention: { maxRows: 0, maxAgeMs: 0 } });
    for (const id of ["a", "b", "c"]) unlimited.record(entry(id, new Date(0)));
    unlimited.flush();
    expect(unlimited.rows()).toHaveLength(3);
    unlimited.close();
  });
});
