import { renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes files so that each one is either its old content or its whole new content, never a
 * part: every file is first written to a temporary name in its own folder (so the rename stays on
 * one file system), and only once all are written are they renamed over the old ones, in order.
 * A failure removes the temporary files it left and rethrows; files not yet renamed keep their
 * old content. Contents are computed by the caller before anything is written.
 */
export function writeFilesAtomically(files: readonly { file: string; content: string }[]): void {
  const temporary = files.map(({ file, content }) => ({ file, content, temporary: temporaryName(file) }));
  let renamed = 0;
  try {
    for (const file of temporary) writeFileSync(file.temporary, file.content);
    for (const file of temporary) {
      renameSync(file.temporary, file.file);
      renamed++;
    }
  } catch (error) {
    for (const file of temporary.slice(renamed)) rmSync(file.temporary, { force: true });
    throw error;
  }
}

/** A hidden name beside `file`, unique to this process and call. */
function temporaryName(file: string): string {
  const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  return path.join(path.dirname(file), `.${path.basename(file)}.${suffix}.tmp`);
}
