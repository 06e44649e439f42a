/**
 * Hashed text features for the shipped linear classifiers: word unigrams, word bigrams and
 * character 4-grams of each padded word ("<bomb>" gives "<bom", "bomb", "omb>"), each hashed
 * (FNV-1a) into one of 2^bits buckets, salted by a namespace so the same word in the request
 * and in the answer are different features. Pure string work, no allocation per feature.
 */

/** A growable sparse vector: bucket indices and values, duplicates allowed (they add up). */
export interface FeatureBag {
  indices: Int32Array;
  values: Float32Array;
  length: number;
}

export function createFeatureBag(capacity = 512): FeatureBag {
  return { indices: new Int32Array(capacity), values: new Float32Array(capacity), length: 0 };
}

/** Longest text read per call: features of a very long answer come from its first part. */
export const MAX_FEATURE_CHARS = 4000;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const BIGRAM_SALT = 0x9e3779b1;
const CHAR_SALT = 0x85ebca6b;

function push(bag: FeatureBag, index: number, value: number): void {
  if (bag.length === bag.indices.length) {
    const indices = new Int32Array(bag.indices.length * 2);
    indices.set(bag.indices);
    const values = new Float32Array(bag.values.length * 2);
    values.set(bag.values);
    bag.indices = indices;
    bag.values = values;
  }
  bag.indices[bag.length] = index;
  bag.values[bag.length] = value;
  bag.length++;
}

function isWordUnit(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 39 ||
    (code > 127 && code !== 0x2019)
  );
}

function mix(hash: number, value: number): number {
  return Math.imul(hash ^ value, FNV_PRIME) >>> 0;
}

/** A namespace's salt: a small string such as "user" or "reply". */
export function namespaceSalt(namespace: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < namespace.length; index++) hash = mix(hash, namespace.charCodeAt(index));
  return hash;
}

/**
 * Adds the features of `text` to `bag` under a namespace. Values are `weight / sqrt(n)` for the
 * n features of this text, so long and short texts weigh alike.
 */
export function addTextFeatures(text: string, salt: number, bits: number, bag: FeatureBag, weight = 1): void {
  const mask = (1 << bits) - 1;
  const lowered = (text.length > MAX_FEATURE_CHARS ? text.slice(0, MAX_FEATURE_CHARS) : text).toLowerCase();
  const start = bag.length;
  let previousWord = 0;
  let wordStart = -1;
  const end = lowered.length;
  for (let position = 0; position <= end; position++) {
    const code = position < end ? lowered.charCodeAt(position) : 32;
    if (isWordUnit(code)) {
      if (wordStart < 0) wordStart = position;
      continue;
    }
    if (wordStart < 0) continue;
    let word = mix(salt, 0x77);
    for (let index = wordStart; index < position; index++) word = mix(word, lowered.charCodeAt(index));
    push(bag, word & mask, 1);
    if (previousWord !== 0) push(bag, mix(mix(previousWord, BIGRAM_SALT), word) & mask, 1);
    previousWord = word;
    // Character 4-grams over "<word>": robust to inflections and to look-alike spellings.
    const length = position - wordStart + 2;
    for (let gram = 0; gram + 4 <= length || gram === 0; gram++) {
      let hash = mix(salt, CHAR_SALT);
      for (let offset = gram; offset < Math.min(gram + 4, length); offset++) {
        const at = wordStart + offset - 1;
        hash = mix(hash, offset === 0 ? 60 : at >= position ? 62 : lowered.charCodeAt(at));
      }
      push(bag, hash & mask, 1);
      if (gram + 4 >= length) break;
    }
    wordStart = -1;
    // Sentence punctuation breaks bigrams.
    if (code === 46 || code === 33 || code === 63 || code === 10) previousWord = 0;
  }
  const count = bag.length - start;
  if (count === 0) return;
  const value = weight / Math.sqrt(count);
  for (let index = start; index < bag.length; index++) bag.values[index] = value;
}
