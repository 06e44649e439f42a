import { existsSync } from "node:fs";
import path from "node:path";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import type { RunRecord } from "../../engine/store.ts";
import { InputError } from "../../errors.ts";

/** The default store file, relative to the working directory. */
export const DEFAULT_STORE = ".turnsafe/turnsafe.db";

/** Opens an existing store; a missing file is an input error (never silently created). */
export function openExistingStore(file: string | undefined): SqliteStore {
  const resolved = path.resolve(file ?? DEFAULT_STORE);
  if (!existsSync(resolved))
    throw new InputError(
      "no turnsafe store here; run `turnsafe quickstart` or `turnsafe run` first, or pass --store",
      resolved,
    );
  return new SqliteStore(resolved);
}

/** Finds a run by id, id prefix or name, with an error that lists how to see the runs. */
export function requireRun(store: SqliteStore, idOrName: string): RunRecord {
  const run = store.findRun(idOrName);
  if (!run)
    throw new InputError(`no run "${idOrName}" in ${store.file}; \`turnsafe runs\` lists them`, "run");
  return run;
}
