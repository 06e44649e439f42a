import { existsSync } from "node:fs";
import { isPostgresUrl, type OpenedStore, openStore, resolveStoreLocation } from "../../engine/open-store.ts";
import type { RunRecord } from "../../engine/store.ts";
import { InputError } from "../../errors.ts";

/** The default store file, relative to the current directory. */
export const DEFAULT_STORE = ".turnsafe/turnsafe.db";
/** The default report folder, relative to the current directory. */
export const DEFAULT_REPORT_DIR = ".turnsafe/reports";
/** The environment variable that moves the default store. */
export const STORE_ENV = "TURNSAFE_STORE";

/**
 * The one rule for where every command's store is: `--store`, else `$TURNSAFE_STORE`, else
 * `.turnsafe/turnsafe.db`, each relative to the current directory. (A `store:` written in a run
 * config is the exception: like every path in that file, it is relative to the config file.)
 * A `postgres://` connection string names a PostgreSQL store and is kept as given.
 */
export function resolveStorePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolveStoreLocation(process.cwd(), flag ?? (env[STORE_ENV] || DEFAULT_STORE));
}

/** Opens an existing store (see {@link resolveStorePath}); a missing file is an input error (never silently created). */
export function openExistingStore(file: string | undefined): OpenedStore {
  const resolved = resolveStorePath(file);
  if (isPostgresUrl(resolved)) return openStore(resolved);
  if (!existsSync(resolved))
    throw new InputError(
      `no turnsafe store here; run \`turnsafe quickstart\` or \`turnsafe run\` in this folder first, or pass --store (or set ${STORE_ENV})`,
      resolved,
    );
  return openStore(resolved);
}

/** Finds a run by id, id prefix or name, with an error that lists how to see the runs. */
export function requireRun(store: OpenedStore, idOrName: string): RunRecord {
  const run = store.findRun(idOrName);
  if (!run)
    throw new InputError(`no run "${idOrName}" in ${store.file}; \`turnsafe runs\` lists them`, "run");
  return run;
}
