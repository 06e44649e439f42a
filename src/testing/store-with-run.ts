import { SqliteStore } from "../engine/sqlite-store.ts";
import type { RunRecord } from "../engine/store.ts";

/** A throwaway in-memory store holding one completed dialogue run `r` (fields overridable). */
export function storeWithRun(run: Partial<RunRecord> = {}): SqliteStore {
  const store = new SqliteStore(":memory:");
  const at = "2026-01-01T00:00:00Z";
  store.putRun({
    id: "r",
    name: "r",
    recipe: "dialogues",
    status: "completed",
    config: {},
    simulator: false,
    createdAt: at,
    updatedAt: at,
    ...run,
  });
  return store;
}
