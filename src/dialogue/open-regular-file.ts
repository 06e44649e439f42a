import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";

/** Why a path could not be opened as a regular file, for the caller to wrap in its own error. */
export class NotReadableFile extends Error {
  readonly reason: "not found" | "not a regular file" | "unreadable";
  constructor(reason: NotReadableFile["reason"], detail: string) {
    super(detail ? `${reason} (${detail})` : reason);
    this.reason = reason;
  }
}

/**
 * Opens a file for reading only when it is a regular file. The open is non-blocking, so a FIFO
 * or a device never hangs the process (signals keep working), and the type is checked on the
 * open handle, so a path swapped between a check and the open cannot slip through.
 */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "ENOENT") throw new NotReadableFile("not found", "");
    if (code === "EISDIR") throw new NotReadableFile("not a regular file", "a directory");
    throw new NotReadableFile("unreadable", code || (error as Error).message);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      const kind = stats.isFIFO()
        ? "a FIFO"
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? "a device"
          : stats.isSocket()
            ? "a socket"
            : "a directory";
      throw new NotReadableFile("not a regular file", kind);
    }
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Reads at most `maxBytes` of an open file; `exceeded` is true when more was there (the read
 * stops one byte past the cap, so a file that grows while read cannot push memory further).
 */
export async function readCapped(
  handle: FileHandle,
  maxBytes: number,
): Promise<{ bytes: Buffer; exceeded: boolean }> {
  const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, 1024 * 1024));
  const chunks: Buffer[] = [];
  let total = 0;
  while (total <= maxBytes) {
    const want = Math.min(buffer.length, maxBytes + 1 - total);
    const { bytesRead } = await handle.read(buffer, 0, want, null);
    if (bytesRead === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    total += bytesRead;
  }
  const bytes = Buffer.concat(chunks, total);
  return total > maxBytes
    ? { bytes: bytes.subarray(0, maxBytes), exceeded: true }
    : { bytes, exceeded: false };
}
