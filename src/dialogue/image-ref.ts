import { hash } from "node:crypto";
import path from "node:path";
import sharp from "sharp";
import { ImageError } from "../errors.ts";
import type { ImageRef } from "./dialogue.ts";
import { DEFAULT_INPUT_LIMITS, formatBytes } from "./input-limits.ts";
import { NotReadableFile, openRegularFile, readCapped } from "./open-regular-file.ts";
import { DEFAULT_FETCH_POLICY, type FetchPolicy, redact, safeFetch } from "./safe-fetch.ts";

/** Image bytes with their media type and content hash. */
export interface LoadedImage {
  bytes: Buffer;
  mediaType: string;
  sha256: string;
}

/** Where relative paths are resolved and whether URLs may be fetched. */
export interface ImageLoadOptions {
  baseDir?: string;
  fetchPolicy?: FetchPolicy;
  signal?: AbortSignal;
  /** Largest image read, in bytes (default 20 MiB; `limits.maxImageBytes`). */
  maxBytes?: number;
}

/** What a provider accepts for one image. */
export interface ImageLimits {
  maxBytes: number;
  maxDimension: number;
  mediaTypes: readonly string[];
}

/** Hex sha256 of some bytes. */
export function sha256Hex(bytes: Uint8Array | string): string {
  // The one-shot form: no Hash object per call (this runs for every request's cache key).
  return hash("sha256", bytes, "hex");
}

/** A short description of where an image comes from, without secrets or bytes. */
export function describeImage(ref: ImageRef): string {
  if (ref.path) return ref.path;
  if (ref.url) return redact(ref.url);
  return `inline image ${ref.sha256?.slice(0, 12) ?? `(${ref.base64?.length ?? 0} base64 chars)`}`;
}

/** Reads an image's bytes (file, URL or inline) and sniffs its media type. */
export async function loadImage(ref: ImageRef, options: ImageLoadOptions = {}): Promise<LoadedImage> {
  let bytes: Buffer;
  let declared = ref.mediaType;
  const maxBytes = options.maxBytes ?? DEFAULT_INPUT_LIMITS.maxImageBytes;
  if (ref.path !== undefined) {
    bytes = await readImageFile(path.resolve(options.baseDir ?? process.cwd(), ref.path), maxBytes);
  } else if (ref.url !== undefined) {
    if (ref.url.startsWith("data:")) {
      const match = /^data:(image\/[\w.+-]+);base64,(.*)$/s.exec(ref.url);
      if (!match?.[2]) throw new ImageError("data URL images must be base64 image/* data");
      checkBase64Size(match[2].length, maxBytes, describeImage(ref));
      bytes = Buffer.from(match[2], "base64");
      declared ??= match[1];
    } else {
      const fetched = await safeFetch(ref.url, options.fetchPolicy ?? DEFAULT_FETCH_POLICY, options.signal);
      bytes = fetched.bytes;
      declared ??= fetched.contentType?.split(";")[0];
    }
  } else {
    checkBase64Size(ref.base64?.length ?? 0, maxBytes, describeImage(ref));
    bytes = Buffer.from(ref.base64 ?? "", "base64");
  }
  if (bytes.length === 0) throw new ImageError(`image ${describeImage(ref)} is empty`);
  const hash = sha256Hex(bytes);
  if (ref.sha256 && ref.sha256 !== hash)
    throw new ImageError(
      `image ${describeImage(ref)} does not match its sha256 (expected ${ref.sha256}, got ${hash})`,
    );
  const mediaType = sniffMediaType(bytes) ?? declared;
  if (!mediaType) throw new ImageError(`image ${describeImage(ref)} is not a recognised image format`);
  return { bytes, mediaType, sha256: hash };
}

/**
 * Reads an image file: only a regular file (a FIFO or device is refused without blocking), at
 * most `maxBytes` (checked on its size first, and again while reading, so a growing file stops).
 */
export async function readImageFile(file: string, maxBytes: number): Promise<Buffer> {
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(file);
  } catch (error) {
    if (error instanceof NotReadableFile)
      throw new ImageError(`image file ${file} is ${error.message}`, { cause: error });
    throw error;
  }
  try {
    if (opened.size > maxBytes) throw imageTooLarge(file, `${formatBytes(opened.size)}`, maxBytes);
    const { bytes, exceeded } = await readCapped(opened.handle, maxBytes);
    if (exceeded) throw imageTooLarge(file, "it grew while read and", maxBytes);
    return bytes;
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(
      `image file ${file} is unreadable (${(error as NodeJS.ErrnoException).code ?? error})`,
      {
        cause: error,
      },
    );
  } finally {
    await opened.handle.close();
  }
}

function imageTooLarge(file: string, size: string, maxBytes: number): ImageError {
  return new ImageError(
    `image file ${file} is too large (${size} is over ${formatBytes(maxBytes)}; raise limits.maxImageBytes / --max-image-bytes to allow it)`,
  );
}

function checkBase64Size(chars: number, maxBytes: number, name: string): void {
  if (Math.floor((chars * 3) / 4) > maxBytes + 2)
    throw new ImageError(
      `image ${name} is too large (over ${formatBytes(maxBytes)}; raise limits.maxImageBytes / --max-image-bytes to allow it)`,
    );
}

/** Recognises PNG, JPEG, GIF and WebP from their first bytes. */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return "image/gif";
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[8] === 0x57 && bytes[9] === 0x45)
    return "image/webp";
  return undefined;
}

/**
 * Re-encodes an image only when it breaks the limits: too many pixels on a side, too many
 * bytes, or a format the provider does not take. Otherwise returns it untouched.
 */
export async function fitImage(image: LoadedImage, limits: ImageLimits): Promise<LoadedImage> {
  let metadata: { width?: number; height?: number };
  try {
    metadata = await sharp(image.bytes).metadata();
  } catch (error) {
    throw new ImageError(`image ${image.sha256.slice(0, 12)} could not be decoded`, { cause: error });
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  const oversized = Math.max(width, height) > limits.maxDimension;
  if (!oversized && image.bytes.length <= limits.maxBytes && limits.mediaTypes.includes(image.mediaType))
    return image;
  const keepPng = image.mediaType === "image/png" && limits.mediaTypes.includes("image/png");
  for (const quality of [85, 70, 50]) {
    let pipeline = sharp(image.bytes).rotate();
    if (oversized)
      pipeline = pipeline.resize({ width: limits.maxDimension, height: limits.maxDimension, fit: "inside" });
    const bytes =
      keepPng && quality === 85
        ? await pipeline.png({ compressionLevel: 9 }).toBuffer()
        : await pipeline.flatten({ background: "#ffffff" }).jpeg({ quality }).toBuffer();
    if (bytes.length <= limits.maxBytes)
      return {
        bytes,
        mediaType: keepPng && quality === 85 ? "image/png" : "image/jpeg",
        sha256: sha256Hex(bytes),
      };
  }
  throw new ImageError(
    `image ${image.sha256.slice(0, 12)} cannot be made smaller than ${limits.maxBytes} bytes`,
  );
}
