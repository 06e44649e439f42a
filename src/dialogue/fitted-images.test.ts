import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ImageError } from "../errors.ts";
import { FittedImageCache } from "./fitted-images.ts";
import { type LoadedImage, sha256Hex } from "./image-ref.ts";

const limits = { maxBytes: 5_000_000, maxDimension: 100, mediaTypes: ["image/png", "image/jpeg"] };

async function png(width: number, height: number, background = "#336699"): Promise<LoadedImage> {
  const bytes = await sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
  return { bytes, mediaType: "image/png", sha256: sha256Hex(bytes) };
}

/** Same hash, bytes no decoder takes: fitting it works only if the answer is remembered. */
function undecodable(image: LoadedImage): LoadedImage {
  return { ...image, bytes: Buffer.from("not an image") };
}

const describeChange = async (before: LoadedImage, after: LoadedImage) =>
  `${before.bytes.length} -> ${after.bytes.length}`;

describe("FittedImageCache", () => {
  it("remembers an image that fits, and does not decode it again", async () => {
    const cache = new FittedImageCache();
    const small = await png(20, 10);
    expect(await cache.fit(small, limits, describeChange)).toEqual({ image: small });
    const again = undecodable(small);
    expect((await cache.fit(again, limits, describeChange)).image).toBe(again);
    expect(cache.size).toEqual({ entries: 1, bytes: 0 });
  });

  it("remembers a re-encoded copy with its change, per set of limits", async () => {
    const cache = new FittedImageCache();
    const large = await png(400, 200);
    let described = 0;
    const counting = async (before: LoadedImage, after: LoadedImage) => {
      described++;
      return describeChange(before, after);
    };
    const first = await cache.fit(large, limits, counting);
    expect((await sharp(first.image.bytes).metadata()).width).toBe(100);
    expect(first.change).toMatch(/^\d+ -> \d+$/);
    const second = await cache.fit(undecodable(large), limits, counting);
    expect(second).toEqual(first);
    expect(second.image).toBe(first.image);
    expect(described).toBe(1);
    expect(cache.size.bytes).toBe(first.image.bytes.length);
    // Other limits are another entry, fitted afresh.
    const wider = await cache.fit(large, { ...limits, maxDimension: 300 }, counting);
    expect((await sharp(wider.image.bytes).metadata()).width).toBe(300);
    await expect(cache.fit(undecodable(large), { ...limits, maxDimension: 50 }, counting)).rejects.toThrow(
      ImageError,
    );
  });

  it("forgets the least recently used entries beyond its bounds", async () => {
    const cache = new FittedImageCache(2);
    const [a, b, c] = await Promise.all([png(10, 10, "#111"), png(11, 11, "#222"), png(12, 12, "#333")]);
    for (const image of [a, b]) await cache.fit(image, limits, describeChange);
    await cache.fit(undecodable(a), limits, describeChange); // a is now the most recent
    await cache.fit(c, limits, describeChange);
    expect(cache.size.entries).toBe(2);
    await expect(cache.fit(undecodable(a), limits, describeChange)).resolves.toBeDefined();
    await expect(cache.fit(undecodable(b), limits, describeChange)).rejects.toThrow(/could not be decoded/);

    const large = await png(400, 200);
    const tight = new FittedImageCache(10, 10);
    await tight.fit(large, limits, describeChange);
    expect(tight.size).toEqual({ entries: 0, bytes: 0 });
  });

  it("does not remember failures", async () => {
    const cache = new FittedImageCache();
    const image = await png(20, 20);
    await expect(cache.fit(undecodable(image), limits, describeChange)).rejects.toThrow(ImageError);
    expect(await cache.fit(image, limits, describeChange)).toEqual({ image });
  });
});
