import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { DialogueSchema, userTurnCount } from "./dialogue.ts";
import { fitImage, loadImage, sha256Hex } from "./image-ref.ts";
import { readDialogues } from "./jsonl.ts";

describe("Dialogue schema", () => {
  it("accepts string content as one text part and defaults labels and metadata", () => {
    const dialogue = DialogueSchema.parse({ id: "a", messages: [{ role: "user", content: "hi" }] });
    expect(dialogue).toEqual({
      version: 1,
      id: "a",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      labels: {},
      metadata: {},
    });
    expect(userTurnCount(dialogue.messages)).toBe(1);
  });

  it("rejects images outside user messages and image refs without exactly one source", () => {
    const image = { type: "image", image: { path: "a.png" } };
    expect(
      DialogueSchema.safeParse({ id: "a", messages: [{ role: "assistant", content: [image] }] }).success,
    ).toBe(false);
    expect(
      DialogueSchema.safeParse({
        id: "a",
        messages: [
          {
            role: "user",
            content: [{ type: "image", image: { path: "a.png", url: "https://x.test/a.png" } }],
          },
        ],
      }).success,
    ).toBe(false);
  });
});

describe("JSONL reading", () => {
  it("names the file, line and field of a bad record, and duplicate ids", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-jsonl-"));
    const file = path.join(dir, "d.jsonl");
    writeFileSync(
      file,
      `{"id":"a","messages":[{"role":"user","content":"x"}]}\n\n{"id":"b","messages":[{"role":"user","content":[{"type":"text"}]}]}\n`,
    );
    const read = async () => {
      for await (const _ of readDialogues(file));
    };
    await expect(read()).rejects.toThrow(/d\.jsonl:3: messages\.0\.content/);
    writeFileSync(
      file,
      `{"id":"a","messages":[{"role":"user","content":"x"}]}\n{"id":"a","messages":[{"role":"user","content":"y"}]}\n`,
    );
    await expect(read()).rejects.toThrow(/d\.jsonl:2: duplicate dialogue id "a"/);
    writeFileSync(file, "{not json\n");
    await expect(read()).rejects.toThrow(/d\.jsonl:1: invalid JSON/);
  });
});

describe("images", () => {
  it("loads lazily by path, sniffs the type, checks sha256, and reports missing files by path", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-img-"));
    const bytes = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#123456" } })
      .png()
      .toBuffer();
    writeFileSync(path.join(dir, "a.png"), bytes);
    const loaded = await loadImage({ path: "a.png" }, { baseDir: dir });
    expect(loaded).toMatchObject({ mediaType: "image/png", sha256: sha256Hex(bytes) });
    await expect(loadImage({ path: "a.png", sha256: "0".repeat(64) }, { baseDir: dir })).rejects.toThrow(
      /does not match its sha256/,
    );
    await expect(loadImage({ path: "missing.png" }, { baseDir: dir })).rejects.toThrow(
      /missing\.png is not found/,
    );
    const inline = await loadImage({ base64: bytes.toString("base64") });
    expect(inline.sha256).toBe(loaded.sha256);
  });

  it("re-encodes only images that break the limits", async () => {
    const bytes = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: "#abcdef" } })
      .png()
      .toBuffer();
    const image = { bytes, mediaType: "image/png", sha256: sha256Hex(bytes) };
    const limits = { maxBytes: 5_000_000, maxDimension: 1568, mediaTypes: ["image/png", "image/jpeg"] };
    const fitted = await fitImage(image, limits);
    const metadata = await sharp(fitted.bytes).metadata();
    expect(Math.max(metadata.width ?? 0, metadata.height ?? 0)).toBe(1568);
    const small = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    const untouched = { bytes: small, mediaType: "image/png", sha256: sha256Hex(small) };
    expect(await fitImage(untouched, limits)).toBe(untouched);
    const webpOnly = await fitImage(untouched, { ...limits, mediaTypes: ["image/jpeg"] });
    expect(webpOnly.mediaType).toBe("image/jpeg");
  });
});
