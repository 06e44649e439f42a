import { createHash } from "node:crypto";
import { InputError } from "../errors.ts";
import { openDataFile } from "./read-lines.ts";

/** Bytes read from each end of the file. */
const EDGE_BYTES = 64 * 1024;

/**
 * A short identity of a data file's content that costs the same for 1 KB as for 1 GB: its size,
 * its modification time (nanoseconds) and the sha256 of its first and last 64 KiB. Any edit
 * changes the modification time (and usually the size); an edit near either end changes the
 * hashed bytes even when the time stamp is set back. It misses only an edit that keeps the size,
 * lies more than 64 KiB from both ends, and keeps the modification time (set back by hand, or
 * made within the file system's time stamp granularity of the previous write). A FIFO, device or
 * missing file is an InputError naming the file, and so is an empty one (or a small one of blank
 * lines only).
 */
export async function fileFingerprint(file: string): Promise<string> {
  const { handle } = await openDataFile(file);
  try {
    const stats = await handle.stat({ bigint: true });
    if (stats.size === 0n) throw new InputError("no dialogues in the file (it is empty)", file);
    const size = Number(stats.size);
    const hash = createHash("sha256").update(`${size}:${stats.mtimeNs}\n`);
    const head = Buffer.alloc(Math.min(size, EDGE_BYTES));
    await handle.read(head, 0, head.length, 0);
    // A small file of nothing but blank lines is refused here too, before any run exists.
    if (size <= EDGE_BYTES && head.every((byte) => byte === 10 || byte === 13 || byte === 32 || byte === 9))
      throw new InputError("no dialogues in the file (it is empty)", file);
    hash.update(head);
    if (size > EDGE_BYTES) {
      const tail = Buffer.alloc(Math.min(size - EDGE_BYTES, EDGE_BYTES));
      await handle.read(tail, 0, tail.length, size - tail.length);
      hash.update(tail);
    }
    return hash.digest("hex").slice(0, 16);
  } finally {
    await handle.close();
  }
}
