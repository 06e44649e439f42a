import { fitImage, type ImageLimits, type LoadedImage } from "./image-ref.ts";

/** An image fitted to one set of limits, and how it was changed (undefined: it fitted as it was). */
export interface FittedImage {
  image: LoadedImage;
  /** "<before> -> <after>" when it had to be re-encoded. */
  change?: string;
}

/**
 * Remembers how images were fitted to a target's limits, by content hash and limits, so an image
 * sent again (in every turn of a live dialogue, or in every dialogue of a suite that shares one)
 * is not decoded again each time. Bounded: least recently used entries go first once there are
 * more than `maxEntries`, or once re-encoded copies hold more than `maxBytes`. An image that fits
 * as it is costs one small entry; failures are not remembered.
 */
export class FittedImageCache {
  /** By image and limits: the re-encoded copy, or undefined when the image fitted as it was. */
  readonly #entries = new Map<string, { fitted?: LoadedImage; change?: string }>();
  #heldBytes = 0;
  readonly maxEntries: number;
  readonly maxBytes: number;

  constructor(maxEntries = 4096, maxBytes = 64 * 1024 * 1024) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** Fitted images and re-encoded bytes held now. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.#entries.size, bytes: this.#heldBytes };
  }

  /**
   * `image` fitted to `limits`; `describe` names the before and after of a re-encoding (called
   * only when one happens, and remembered with it).
   */
  async fit(
    image: LoadedImage,
    limits: ImageLimits,
    describe: (before: LoadedImage, after: LoadedImage) => Promise<string>,
  ): Promise<FittedImage> {
    const key = `${image.sha256} ${image.mediaType} ${limits.maxDimension} ${limits.maxBytes} ${limits.mediaTypes.join(",")}`;
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.fitted === undefined ? { image } : { image: hit.fitted, change: hit.change };
    }
    const fitted = await fitImage(image, limits);
    if (fitted.sha256 === image.sha256) {
      this.#remember(key, {});
      return { image };
    }
    const change = await describe(image, fitted);
    this.#remember(key, { fitted, change });
    return { image: fitted, change };
  }

  #remember(key: string, entry: { fitted?: LoadedImage; change?: string }): void {
    const size = entry.fitted?.bytes.length ?? 0;
    if (size > this.maxBytes) return;
    this.#entries.set(key, entry);
    this.#heldBytes += size;
    for (const [oldest, old] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#heldBytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#heldBytes -= old.fitted?.bytes.length ?? 0;
    }
  }
}
