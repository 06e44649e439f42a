import type { GenerationParams, Target, TargetRequest } from "../contracts/index.ts";
import type { ImageRef, Message } from "../dialogue/dialogue.ts";
import { loadImage, sha256Hex } from "../dialogue/image-ref.ts";
import { stableStringify } from "../util/stable-stringify.ts";

/** Kept here for the callers that hash run identities with it. */
export { stableStringify };

/** The key of one unit of work: the same run, case and step always give the same key. */
export function workKey(runId: string, caseId: string, role: string, step: string): string {
  return `${runId}\u001f${caseId}\u001f${role}\u001f${step}`;
}

/** Resolves image hashes, reading each distinct file once per process. */
export class ImageHasher {
  readonly #byLocation = new Map<string, Promise<string>>();

  /** The sha256 of an image: given, or computed from its bytes. */
  hash(image: ImageRef, baseDir: string | undefined, maxBytes?: number): Promise<string> {
    if (image.sha256) return Promise.resolve(image.sha256);
    if (image.base64) return Promise.resolve(sha256Hex(Buffer.from(image.base64, "base64")));
    const location = image.path ? `file:${baseDir ?? ""}\u001f${image.path}` : `url:${image.url}`;
    let pending = this.#byLocation.get(location);
    if (!pending) {
      // URLs are not fetched just to hash them: the URL itself identifies the request.
      pending = image.path
        ? loadImage(image, { baseDir, maxBytes }).then((loaded) => loaded.sha256)
        : Promise.resolve(sha256Hex(image.url ?? ""));
      this.#byLocation.set(location, pending);
      if (this.#byLocation.size > 10_000)
        this.#byLocation.delete(this.#byLocation.keys().next().value as string);
    }
    return pending;
  }
}

/**
 * Hash of everything that determines a target's answer: the target's fingerprint, the
 * effective parameters and the messages, with images reduced to their content hashes. A
 * `sample` above 1 (a repeated case) is added, so repeats are separate cache entries: sample k
 * of a request is cached under its own hash and never served sample 1's answer. Sample 1 hashes
 * as a request without repeats, so it shares the cache with runs that do not repeat.
 */
export async function requestHash(
  target: Target,
  request: TargetRequest,
  hasher: ImageHasher,
  sample?: number,
): Promise<string> {
  const params: GenerationParams = { ...target.params, ...request.params };
  // Text parts are taken as they are; only images need (possibly asynchronous) hashing.
  const images: Promise<void>[] = [];
  const messages = request.messages.map((message: Message) => {
    const parts: unknown[] = message.content.map((part) => (part.type === "text" ? part.text : null));
    message.content.forEach((part, index) => {
      if (part.type === "image")
        images.push(
          hasher.hash(part.image, request.imageBaseDir, request.imageMaxBytes).then((sha256) => {
            parts[index] = { image: sha256 };
          }),
        );
    });
    return [message.role, parts];
  });
  if (images.length > 0) await Promise.all(images);
  // Messages are turnsafe's own arrays (fixed key order), so plain JSON is deterministic for them;
  // only the parameters, which users write in any order, need sorting.
  const key: unknown[] = [target.fingerprint, stableStringify(params), messages];
  if (sample !== undefined && sample > 1) key.push({ sample });
  return sha256Hex(JSON.stringify(key));
}
