import { execFileSync } from "node:child_process";
import { closeSync, ftruncateSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ImageError } from "../errors.ts";
import { loadImage } from "./image-ref.ts";
import { readCapped } from "./open-regular-file.ts";

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-image-ref-"));

/** A sparse file: `bytes` long on paper, no disk or memory used to make it. */
function sparseFile(name: string, bytes: number): string {
  const file = path.join(dir, name);
  const fd = openSync(file, "w");
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return file;
}

describe("loadImage from a path", () => {
  it("refuses a FIFO at once instead of waiting on it forever", async () => {
    const fifo = path.join(dir, "pipe.png");
    execFileSync("mkfifo", [fifo]);
    await expect(loadImage({ path: fifo })).rejects.toThrow(/not a regular file \(a FIFO\)/);
  }, 5_000);

  it("refuses a character device such as /dev/zero without reading it", async () => {
    await expect(loadImage({ path: "/dev/zero" })).rejects.toThrow(/not a regular file \(a device\)/);
    await expect(loadImage({ path: "/dev/urandom" })).rejects.toThrow(ImageError);
  });

  it("refuses a file over the byte cap from its size, before reading it", async () => {
    const huge = sparseFile("huge.png", 64 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    await expect(loadImage({ path: huge })).rejects.toThrow(
      /too large \(64 MiB is over 20 MiB; raise limits\.maxImageBytes/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });

  it("takes a configurable cap, and reads an image within it", async () => {
    const file = path.join(dir, "small.png");
    writeFileSync(
      file,
      await sharp({
        create: {
          width: 40,
          height: 30,
          channels: 3,
          background: "#808080",
          noise: { type: "gaussian", mean: 128, sigma: 50 },
        },
      })
        .png()
        .toBuffer(),
    );
    const loaded = await loadImage({ path: "small.png" }, { baseDir: dir });
    expect(loaded.mediaType).toBe("image/png");
    await expect(loadImage({ path: file }, { maxBytes: 100 })).rejects.toThrow(/over 100 bytes/);
    await expect(loadImage({ base64: loaded.bytes.toString("base64") }, { maxBytes: 100 })).rejects.toThrow(
      /too large/,
    );
  });

  it("stops reading one byte past the cap, so a file that grows while read cannot exceed it", async () => {
    const file = sparseFile("grows.bin", 3 * 1024 * 1024);
    const handle = await open(file);
    try {
      const { bytes, exceeded } = await readCapped(handle, 1024 * 1024);
      expect(exceeded).toBe(true);
      expect(bytes.length).toBe(1024 * 1024);
    } finally {
      await handle.close();
    }
  });
});
