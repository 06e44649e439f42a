import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ImageRef } from "../../dialogue/dialogue.ts";
import { imageInFolder } from "../../dialogue/image-in-folder.ts";
import { sha256Hex, sniffMediaType } from "../../dialogue/image-ref.ts";
import { InputError } from "../../errors.ts";

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
};
const BASE64 = /^[A-Za-z0-9+/=\r\n]+$/;

/** Where an image field is resolved: relative paths against the data file, bytes into the cache. */
export interface RowImageOptions {
  dataFile: string;
  cacheDir: string;
  where: string;
  field?: string;
  /** Accept image paths that resolve outside the data file's folder (refused by default). */
  allowOutsideImages?: boolean;
}

/**
 * Turns a row's image field into an ImageRef with an absolute path. Accepts a path (relative
 * to the data file), a Hugging Face image struct `{bytes, path}`, a data URL or base64 text.
 * Embedded bytes are written once to `cacheDir/<sha256>.<ext>`, so rows never hold images in
 * memory after loading and the same photo is stored once.
 */
export async function resolveRowImage(value: unknown, options: RowImageOptions): Promise<ImageRef> {
  const field = options.field ?? "image";
  const fail = (message: string): never => {
    throw new InputError(`${field}: ${message}`, options.where);
  };
  if (value === null || value === undefined) return fail("missing (the multimodal dialogue needs the photo)");
  if (typeof value === "string") return fromText(value, options, fail);
  if (value instanceof Uint8Array) return cacheBytes(value, options, fail);
  if (typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const bytes = record.bytes;
    if (bytes !== null && bytes !== undefined) {
      if (bytes instanceof Uint8Array) return cacheBytes(bytes, options, fail);
      if (typeof bytes === "string") return cacheBytes(decodeBase64(bytes, fail), options, fail);
      // JSON exports of Node buffers: {"type": "Buffer", "data": [...]}.
      const data = (bytes as { data?: unknown }).data ?? bytes;
      if (Array.isArray(data) && data.every((byte) => Number.isInteger(byte)))
        return cacheBytes(Uint8Array.from(data as number[]), options, fail);
      return fail("bytes: expected binary data or base64 text");
    }
    if (typeof record.path === "string" && record.path.trim() !== "")
      return fromPath(record.path, options, fail);
    return fail("expected bytes or a path");
  }
  return fail(
    `expected a path, base64 text or {bytes, path}, got ${Array.isArray(value) ? "a list" : typeof value}`,
  );
}

function fromText(
  value: string,
  options: RowImageOptions,
  fail: (message: string) => never,
): Promise<ImageRef> {
  const text = value.trim();
  if (text === "") return fail("empty");
  const dataUrl = /^data:image\/[\w.+-]+;base64,(.*)$/s.exec(text);
  if (dataUrl) return cacheBytes(decodeBase64(dataUrl[1] ?? "", fail), options, fail);
  // Base64 text decodes to a known image signature; a path (with its dot) never matches the alphabet.
  if (BASE64.test(text)) {
    const bytes = Buffer.from(text.replace(/\s+/g, ""), "base64");
    if (sniffMediaType(bytes)) return cacheBytes(bytes, options, fail);
  }
  return fromPath(text, options, fail);
}

async function fromPath(
  relative: string,
  options: RowImageOptions,
  fail: (message: string) => never,
): Promise<ImageRef> {
  const file = imageInFolder(
    path.dirname(options.dataFile),
    relative,
    options.field ? `${options.where}: ${options.field}` : options.where,
    options.allowOutsideImages,
  );
  if (!existsSync(file))
    return fail(`image file ${file.length > 300 ? `${file.slice(0, 300)}…` : file} does not exist`);
  return { path: file };
}

function decodeBase64(text: string, fail: (message: string) => never): Uint8Array {
  const bytes = Buffer.from(text.replace(/\s+/g, ""), "base64");
  if (bytes.length === 0) return fail("base64 image is empty");
  return bytes;
}

async function cacheBytes(
  bytes: Uint8Array,
  options: RowImageOptions,
  fail: (message: string) => never,
): Promise<ImageRef> {
  if (bytes.length === 0) return fail("image bytes are empty");
  const mediaType = sniffMediaType(bytes);
  if (!mediaType) return fail("embedded bytes are not a PNG, JPEG, GIF or WebP image");
  const sha256 = sha256Hex(bytes);
  const file = path.join(options.cacheDir, `${sha256}.${EXTENSIONS[mediaType] ?? "bin"}`);
  if (!existsSync(file)) {
    await mkdir(options.cacheDir, { recursive: true });
    // Write then rename, so a concurrent or killed loader never leaves a half-written image.
    const partial = `${file}.${process.pid}.${Date.now()}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, file);
  }
  return { path: file, sha256, mediaType };
}
