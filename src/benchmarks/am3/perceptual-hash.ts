import sharp from "sharp";

/**
 * A 64-bit difference hash (dHash) of an image: grey 9x8 thumbnail, one bit per horizontal
 * neighbour pair (left brighter than right). Re-encodings, resizes and small edits of an image
 * keep most bits; different images differ in many.
 */
export async function differenceHash(image: Buffer): Promise<bigint> {
  const pixels = await sharp(image).greyscale().resize(9, 8, { fit: "fill" }).raw().toBuffer();
  let hash = 0n;
  for (let row = 0; row < 8; row++)
    for (let column = 0; column < 8; column++) {
      const left = pixels[row * 9 + column] as number;
      const right = pixels[row * 9 + column + 1] as number;
      hash = (hash << 1n) | (left > right ? 1n : 0n);
    }
  return hash;
}

/** Number of differing bits of two hashes. */
export function hammingDistance(a: bigint, b: bigint): number {
  let difference = a ^ b;
  let count = 0;
  while (difference > 0n) {
    count += Number(difference & 1n);
    difference >>= 1n;
  }
  return count;
}

/** Default distance at or below which two images count as near-duplicates. */
export const NEAR_DUPLICATE_BITS = 6;
