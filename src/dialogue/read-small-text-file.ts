import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.ts";
import { formatBytes } from "./input-limits.ts";

/** Whole-file JSON and CSV inputs (JSON arrays, seed files) larger than this are refused. */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Reads a small text file whole: only a regular file (opened non-blocking, so a FIFO or device
 * is refused rather than waited on) of at most `maxBytes`. Errors name the file.
 */
export function readSmallTextFile(file: string, maxBytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputError("cannot read file: not a regular file", file);
    if (stats.size > maxBytes)
      throw new InputError(
        `file is too large (${formatBytes(stats.size)}; at most ${formatBytes(maxBytes)})`,
        file,
      );
    // Read to the cap only: a file that grows after the size check cannot push memory further.
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, stats.size + 65_536));
    let total = 0;
    for (;;) {
      const read = readSync(fd, buffer, total, buffer.length - total, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes)
        throw new InputError(
          `file is too large (it grew while read; at most ${formatBytes(maxBytes)})`,
          file,
        );
      if (total === buffer.length) throw new InputError("file grew while being read; try again", file);
    }
    return buffer.toString("utf8", 0, total);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `cannot read file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      file,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
