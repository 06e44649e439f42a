import { readFileSync } from "node:fs";
import type { ImageRef } from "../../dialogue/dialogue.ts";
import { sha256Hex, sniffMediaType } from "../../dialogue/image-ref.ts";

/**
 * The images of a run's searches as inline refs, each file read and hashed once: a search
 * re-sends its conversation's images on every turn, and reading them from disk per call was a
 * large share of the harness's CPU. Bounded to `maxImages` files (oldest dropped).
 */
export class ImageBytes {
  readonly #refs = new Map<string, ImageRef>();
  readonly #maxImages: number;

  constructor(maxImages = 512) {
    this.#maxImages = maxImages;
  }

  ref(file: string): ImageRef {
    let ref = this.#refs.get(file);
    if (!ref) {
      const bytes = readFileSync(file);
      ref = {
        base64: bytes.toString("base64"),
        mediaType: sniffMediaType(bytes) ?? "image/png",
        sha256: sha256Hex(bytes),
      };
      this.#refs.set(file, ref);
      if (this.#refs.size > this.#maxImages) this.#refs.delete(this.#refs.keys().next().value as string);
    }
    return ref;
  }
}
