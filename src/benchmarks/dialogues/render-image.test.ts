import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { InputError } from "../../errors.ts";
import { renderSceneImage, renderTextImage, SCENE_KINDS, type SceneKind } from "./render-image.ts";

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const directories: string[] = [];

afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

async function darkPixelShare(png: Buffer, below = 96): Promise<number> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const value of data) if (value < below) dark++;
  return dark / (info.width * info.height);
}

describe("renderTextImage", () => {
  it("renders a PNG of the requested size with visible text", async () => {
    const png = await renderTextImage({
      lines: ["How to open a lock", "without the key"],
      width: 640,
      height: 320,
    });
    expect([...png.subarray(0, 4)]).toEqual(PNG_MAGIC);
    const metadata = await sharp(png).metadata();
    expect([metadata.width, metadata.height]).toEqual([640, 320]);
    expect(await darkPixelShare(png)).toBeGreaterThan(0.005);
  });

  it("is byte-for-byte repeatable and changes with the text", async () => {
    const first = await renderTextImage({ lines: ["same text"] });
    const second = await renderTextImage({ lines: ["same text"] });
    const other = await renderTextImage({ lines: ["other text"] });
    expect(sha256Hex(first)).toBe(sha256Hex(second));
    expect(sha256Hex(first)).not.toBe(sha256Hex(other));
  });

  it("shrinks long text to fit instead of cutting it off", async () => {
    const long = Array.from({ length: 30 }, (_, index) => `line ${index} of a long note`);
    const png = await renderTextImage({ lines: long, width: 400, height: 300 });
    const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    const lastRow = data.subarray((info.height - 1) * info.width, info.height * info.width);
    expect(lastRow.every((value) => value > 200)).toBe(true);
    expect(await darkPixelShare(png, 200)).toBeGreaterThan(0.01);
  });

  it("refuses text that cannot fit even when small", async () => {
    const lines = Array.from({ length: 200 }, () => "too much");
    await expect(renderTextImage({ lines, width: 64, height: 64 })).rejects.toBeInstanceOf(InputError);
  });

  it("escapes markup in the text", async () => {
    const png = await renderTextImage({ lines: ['<script>alert("x")</script> & </svg>'] });
    expect([...png.subarray(0, 4)]).toEqual(PNG_MAGIC);
  });

  it("uses the given colours", async () => {
    const png = await renderTextImage({
      lines: ["x"],
      background: "#000000",
      foreground: "white",
      width: 64,
      height: 64,
    });
    const { data } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBe(0);
  });

  it("writes the file when asked, creating folders", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "turnsafe-render-"));
    directories.push(directory);
    const file = path.join(directory, "nested", "note.png");
    const png = await renderTextImage({ lines: ["saved"], file });
    expect((await readFile(file)).equals(png)).toBe(true);
  });

  it("rejects unsafe colours and silly sizes", async () => {
    await expect(renderTextImage({ lines: ["x"], background: 'red"/><script' })).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(renderTextImage({ lines: ["x"], width: 0 })).rejects.toBeInstanceOf(InputError);
    await expect(renderTextImage({ lines: ["x"], height: 10_000 })).rejects.toBeInstanceOf(InputError);
  });
});

describe("renderSceneImage", () => {
  it("draws every scene as a distinct, repeatable PNG", async () => {
    const hashes = new Set<string>();
    for (const kind of SCENE_KINDS) {
      const png = await renderSceneImage(kind, { width: 128, height: 128 });
      expect([...png.subarray(0, 4)]).toEqual(PNG_MAGIC);
      const again = await renderSceneImage(kind, { width: 128, height: 128 });
      expect(again.equals(png)).toBe(true);
      const stats = await sharp(png).stats();
      expect(stats.isOpaque).toBe(true);
      hashes.add(sha256Hex(png));
    }
    expect(hashes.size).toBe(SCENE_KINDS.length);
  });

  it("scales to the requested size", async () => {
    const metadata = await sharp(await renderSceneImage("car", { width: 300, height: 200 })).metadata();
    expect([metadata.width, metadata.height]).toEqual([300, 200]);
  });

  it("rejects unknown scenes", async () => {
    await expect(renderSceneImage("spaceship" as SceneKind)).rejects.toBeInstanceOf(InputError);
  });
});
