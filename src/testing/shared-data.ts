import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The folder of public data sets shared next to the checkout (`../shared`), read in place and
 * never copied into the repository. `TURNSAFE_SHARED_DIR` points elsewhere (e.g. a missing
 * folder, to see the skips a user cloning the repository alone gets).
 */
export const SHARED_DIR =
  process.env.TURNSAFE_SHARED_DIR ?? path.resolve(import.meta.dirname, "../../../shared");

/** A shared data file. */
export interface SharedFile {
  file: string;
  present: boolean;
  /** Appended to the title of a test that needs the file: says why it is skipped when absent. */
  note: string;
}

/** A file under the shared folder, whether it is there and, when not, why tests needing it skip. */
export function sharedFile(relative: string): SharedFile {
  const file = path.join(SHARED_DIR, relative);
  const present = existsSync(file);
  return {
    file,
    present,
    note: present ? "" : ` [skipped: ${relative} not found under ${SHARED_DIR} (shared data sets absent)]`,
  };
}
