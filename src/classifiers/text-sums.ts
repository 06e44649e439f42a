import { addTextFeatures, createFeatureBag } from "./hashed-features.ts";
import { hashedSums, type LinearModel } from "./linear-model.ts";

const CACHE_LIMIT = 8192;
// Per model, per salt, by text: the text string itself is the key (no concatenated key, whose
// hash would be recomputed on every lookup).
const caches = new WeakMap<LinearModel, Map<number, Map<string, Float64Array>>>();

/**
 * The hashed per-head sums of one text under a namespace salt, at weight 1, cached per model
 * (bounded): a conversation's earlier turns are read again as context of every later turn, and
 * the model is linear, so each text is hashed once and its sums reused with a weight.
 */
export function textSums(model: LinearModel, salt: number, text: string): Float64Array {
  let bySalt = caches.get(model);
  if (!bySalt) {
    bySalt = new Map();
    caches.set(model, bySalt);
  }
  let cache = bySalt.get(salt);
  if (!cache) {
    cache = new Map();
    bySalt.set(salt, cache);
  }
  let sums = cache.get(text);
  if (!sums) {
    const bag = createFeatureBag(256);
    addTextFeatures(text, salt, model.header.bits, bag, 1);
    sums = hashedSums(model, bag);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, sums);
  }
  return sums;
}

/** Adds `weight` times `sums` into `into`. */
export function addScaled(into: Float64Array, sums: ArrayLike<number>, weight: number): void {
  for (let head = 0; head < into.length; head++) into[head] = (into[head] ?? 0) + weight * (sums[head] ?? 0);
}
