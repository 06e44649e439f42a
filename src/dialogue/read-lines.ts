import { isUtf8 } from "node:buffer";
import { InputError } from "../errors.ts";
import { formatBytes } from "./input-limits.ts";
import { NotReadableFile, openRegularFile } from "./open-regular-file.ts";
import type { ChunkHasher } from "./streamed-data-hash.ts";

/** A line of a text file (1-based), or why it could not be read. */
export type FileLine =
  | { line: number; text: string; problem?: undefined }
  | { line: number; problem: string };

export interface ReadLinesOptions {
  /** Longest line kept, in bytes; a longer one is skipped without being held and reported. */
  maxLineBytes: number;
  /** Told about lines that were read with a repair (invalid UTF-8), naming `file:line`. */
  onWarning?: (warning: string) => void;
  /** Yield blank lines too (CSV fields may hold them). */
  keepBlank?: boolean;
  /** Option name shown in the over-long line message. */
  limitName?: string;
  /**
   * Hashes the file as it streams: it gets every block of `hash.blockBytes` (the file is read in
   * whole blocks) before any line ending in that block is yielded, and `end()` at the end.
   */
  hash?: ChunkHasher;
}

const CHUNK_BYTES = 64 * 1024;

/** Opens a data file, refusing what is not a regular file; errors name the file. */
export async function openDataFile(file: string): ReturnType<typeof openRegularFile> {
  try {
    return await openRegularFile(file);
  } catch (error) {
    if (error instanceof NotReadableFile) throw new InputError(`cannot read file: ${error.message}`, file);
    throw error;
  }
}

/**
 * Streams the non-blank lines of a text file. Memory stays within one line of at most
 * `maxLineBytes`: a longer line is skipped up to its end and reported as a problem, so a
 * file without newlines (or a 50 MB line) is never held whole. Invalid UTF-8 is replaced with
 * U+FFFD and reported through `onWarning`.
 */
export async function* readLines(file: string, options: ReadLinesOptions): AsyncGenerator<FileLine> {
  const { handle } = await openDataFile(file);
  const chunkBytes = options.hash?.blockBytes ?? CHUNK_BYTES;
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overLong = false;
  let line = 1;
  const finish = (): FileLine | undefined => {
    const current = line++;
    if (overLong) {
      overLong = false;
      return {
        line: current,
        problem: `line is longer than ${formatBytes(options.maxLineBytes)} (raise ${options.limitName ?? "maxLineBytes / --max-line-bytes"} if this is intended)`,
      };
    }
    let bytes = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    if (current === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
      bytes = bytes.subarray(3);
    if (!isUtf8(bytes)) options.onWarning?.(`${file}:${current}: invalid UTF-8, replaced with U+FFFD`);
    const text = bytes.toString("utf8");
    return !options.keepBlank && text.trim() === "" ? undefined : { line: current, text };
  };
  // Lines inside one chunk are decoded before the next read reuses the buffer; only the
  // unfinished tail of a chunk is copied.
  const keep = (part: Buffer, copy: boolean) => {
    if (overLong || part.length === 0) return;
    if (pendingBytes + part.length > options.maxLineBytes) {
      overLong = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(copy ? Buffer.from(part) : part);
    pendingBytes += part.length;
  };
  try {
    for (;;) {
      let bytesRead = 0;
      try {
        // Hashed, the buffer is filled whole (a short read is not a block's end).
        do {
          const { bytesRead: read } = await handle.read(buffer, bytesRead, chunkBytes - bytesRead, null);
          if (read === 0) break;
          bytesRead += read;
        } while (options.hash && bytesRead < chunkBytes);
      } catch (error) {
        throw new InputError(`cannot read file (${(error as NodeJS.ErrnoException).code ?? error})`, file);
      }
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      options.hash?.update(chunk);
      let start = 0;
      for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
        keep(chunk.subarray(start, end), false);
        start = end + 1;
        const done = finish();
        if (done) yield done;
      }
      keep(chunk.subarray(start), true);
    }
    options.hash?.end();
    if (pendingBytes > 0 || overLong) {
      const done = finish();
      if (done) yield done;
    }
  } finally {
    await handle.close();
  }
}
