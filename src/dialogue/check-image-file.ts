import { realpath } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { formatBytes } from "./input-limits.ts";
import { NotReadableFile, openRegularFile } from "./open-regular-file.ts";

/** How image files named by a data file are checked when it is loaded. */
export interface ImageCheckOptions {
  /** The dataset's image folder: relative paths resolve here, and files must stay inside it. */
  imageBaseDir: string;
  maxImageBytes: number;
  /** Accept files outside `imageBaseDir` (after symlinks are resolved). */
  allowOutside?: boolean;
}

/**
 * Checks that an image path names a regular file inside the image folder (unless allowed),
 * within the size cap, whose header decodes. Resolves to a problem description, or undefined.
 * Never reads more than the header; a FIFO or device is refused without being opened for reading.
 */
export async function checkImageFile(
  written: string,
  options: ImageCheckOptions,
): Promise<string | undefined> {
  const file = path.resolve(options.imageBaseDir, written);
  let real: string;
  try {
    real = await realpath(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR"
      ? `image file ${file} is not found`
      : `image file ${file} is unreadable (${code})`;
  }
  if (!options.allowOutside) {
    const base = await realpath(options.imageBaseDir).catch(() => path.resolve(options.imageBaseDir));
    const relative = path.relative(base, real);
    if (relative.startsWith("..") || path.isAbsolute(relative))
      return `image file ${file} is outside the image folder ${base} (set allowImagesOutsideDataDir: true or pass --allow-outside-images to allow it)`;
  }
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(real);
  } catch (error) {
    if (error instanceof NotReadableFile) return `image file ${file} is ${error.message}`;
    throw error;
  }
  try {
    if (opened.size === 0) return `image file ${file} is empty`;
    if (opened.size > options.maxImageBytes)
      return `image file ${file} is too large (${formatBytes(opened.size)} is over ${formatBytes(options.maxImageBytes)}; raise limits.maxImageBytes / --max-image-bytes to allow it)`;
    const head = Buffer.alloc(Math.min(opened.size, 512 * 1024));
    const { bytesRead } = await opened.handle.read(head, 0, head.length, 0);
    return await headerProblem(head.subarray(0, bytesRead), file);
  } finally {
    await opened.handle.close();
  }
}

/** Checks inline (base64) image bytes: size cap and a decodable header. */
export async function checkImageBytes(
  bytes: Buffer,
  name: string,
  maxImageBytes: number,
): Promise<string | undefined> {
  if (bytes.length === 0) return `image ${name} is empty`;
  if (bytes.length > maxImageBytes)
    return `image ${name} is too large (${formatBytes(bytes.length)} is over ${formatBytes(maxImageBytes)}; raise limits.maxImageBytes / --max-image-bytes to allow it)`;
  return headerProblem(bytes, name);
}

async function headerProblem(head: Buffer, name: string): Promise<string | undefined> {
  try {
    const metadata = await sharp(head).metadata();
    if (!metadata.width || !metadata.height) return `image ${name} has no width or height`;
    return undefined;
  } catch (error) {
    return `image ${name} does not decode as an image (${(error as Error).message.split("\n")[0]})`;
  }
}
