import sharp from "sharp";
import type { ImageRef, Message } from "../../dialogue/dialogue.ts";
import { describeImage, loadImage, sha256Hex, sniffMediaType } from "../../dialogue/image-ref.ts";
import { ImageError } from "../../errors.ts";

/** Longest side of a thumbnail, in pixels. */
const THUMBNAIL_SIZE = 160;

/** An image of a case as the page shows it: its content hash (null when it cannot be read) and a label. */
export interface ShownImage {
  sha256: string | null;
  label: string;
  /** Why the image is not shown, when it is not. */
  problem?: string;
}

/**
 * The content hash of an image of the case: given, computed from inline bytes, or read from its
 * file. Remote URLs are never fetched by the viewer (the page makes no outside requests either).
 */
export async function showImage(image: ImageRef, baseDir: string | undefined): Promise<ShownImage> {
  const label = describeImage(image);
  if (image.url && !image.url.startsWith("data:"))
    return { sha256: null, label, problem: "remote image: not fetched by the viewer" };
  if (image.sha256) return { sha256: image.sha256, label };
  if (image.base64) return { sha256: sha256Hex(Buffer.from(image.base64, "base64")), label };
  try {
    return { sha256: (await loadImage(image, { baseDir })).sha256, label };
  } catch (error) {
    return { sha256: null, label, problem: (error as Error).message };
  }
}

/**
 * The bytes of the case's image with content hash `sha256` (only images the case's messages
 * reference are served), as a thumbnail or as stored.
 */
export async function caseImageBytes(
  messages: readonly Message[],
  sha256: string,
  baseDir: string | undefined,
  thumbnail: boolean,
): Promise<{ bytes: Buffer; mediaType: string } | undefined> {
  for (const message of messages)
    for (const part of message.content) {
      if (part.type !== "image") continue;
      const shown = await showImage(part.image, baseDir);
      if (shown.sha256 !== sha256) continue;
      const loaded = await loadImage(part.image, { baseDir });
      const mediaType = sniffMediaType(loaded.bytes);
      if (!mediaType) throw new ImageError(`image ${shown.label} is not a PNG, JPEG, GIF or WebP`);
      if (!thumbnail) return { bytes: loaded.bytes, mediaType };
      const bytes = await sharp(loaded.bytes)
        .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
        .png()
        .toBuffer();
      return { bytes, mediaType: "image/png" };
    }
  return undefined;
}
