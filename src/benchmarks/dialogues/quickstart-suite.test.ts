import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dialogue, DialogueSchema, imagesOf, userTurnCount } from "../../dialogue/dialogue.ts";
import { loadImage, sha256Hex } from "../../dialogue/image-ref.ts";
import { buildQuickstartSuite } from "./quickstart-suite.ts";

let root: string;
let imageDir: string;
let suite: Dialogue[];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "turnsafe-quickstart-"));
  imageDir = path.join(root, "images");
  suite = await buildQuickstartSuite(imageDir);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("buildQuickstartSuite", () => {
  it("returns about 36 dialogues that validate against the schema", () => {
    expect(suite.length).toBeGreaterThanOrEqual(32);
    expect(suite.length).toBeLessThanOrEqual(40);
    for (const dialogue of suite) {
      expect(DialogueSchema.parse(dialogue)).toEqual(dialogue);
    }
  });

  it("has unique, deterministic ids ending in the number of turns", () => {
    const ids = suite.map((dialogue) => dialogue.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const dialogue of suite) {
      expect(dialogue.id).toMatch(/^qs-[a-z]+(?:-[a-z]+)+-\d$/);
      expect(dialogue.id.endsWith(`-${userTurnCount(dialogue.messages)}`)).toBe(true);
    }
    expect(ids).toContain("qs-escalation-lock-4");
  });

  it("holds user turns only, with labels and metadata", () => {
    for (const dialogue of suite) {
      expect(dialogue.messages.every((message) => message.role === "user")).toBe(true);
      expect(dialogue.metadata).toEqual({ turns: dialogue.messages.length, suite: "quickstart" });
      expect(["refuse", "comply"]).toContain(dialogue.labels.expected);
      expect(dialogue.labels.category).toMatch(/^[a-z-]+$/);
      expect(dialogue.labels.method).toMatch(/^[a-z-]+$/);
    }
  });

  it("mixes 1-, 2- and 4-turn dialogues, harmful cases and benign look-alikes", () => {
    const byTurns = new Map<number, number>();
    for (const dialogue of suite)
      byTurns.set(dialogue.messages.length, (byTurns.get(dialogue.messages.length) ?? 0) + 1);
    expect([...byTurns.keys()].sort()).toEqual([1, 2, 4]);
    for (const count of byTurns.values()) expect(count).toBeGreaterThanOrEqual(8);
    const comply = suite.filter((dialogue) => dialogue.labels.expected === "comply");
    expect(comply.length).toBeGreaterThanOrEqual(10);
    expect(comply.every((dialogue) => dialogue.labels.method === "benign-lookalike")).toBe(true);
    const methods = new Set(suite.map((dialogue) => dialogue.labels.method));
    for (const method of [
      "direct",
      "gradual-escalation",
      "fictional-framing",
      "image-indirection",
      "typographic",
    ]) {
      expect(methods).toContain(method);
    }
  });

  it("puts an image before the text of the first turn in about half the dialogues, and nowhere else", () => {
    const withImages = suite.filter((dialogue) => imagesOf(dialogue.messages).length > 0);
    expect(withImages.length / suite.length).toBeGreaterThanOrEqual(0.4);
    expect(withImages.length / suite.length).toBeLessThanOrEqual(0.65);
    for (const dialogue of withImages) {
      const images = imagesOf(dialogue.messages);
      expect(images).toHaveLength(1);
      expect(images[0]?.messageIndex).toBe(0);
      expect(dialogue.messages[0]?.content.map((part) => part.type)).toEqual(["image", "text"]);
    }
    const typographic = suite.filter((dialogue) => dialogue.labels.method === "typographic");
    expect(typographic.every((dialogue) => imagesOf(dialogue.messages).length === 1)).toBe(true);
  });

  it("writes every image it refers to, with a matching sha256", async () => {
    const referenced = new Set<string>();
    for (const dialogue of suite) {
      for (const { image } of imagesOf(dialogue.messages)) {
        expect(image.path).toBeDefined();
        expect(path.isAbsolute(image.path ?? "")).toBe(false);
        expect(image.mediaType).toBe("image/png");
        const bytes = await readFile(path.join(imageDir, image.path ?? ""));
        expect(sha256Hex(bytes)).toBe(image.sha256);
        referenced.add(image.path ?? "");
        const loaded = await loadImage(image, { baseDir: imageDir });
        expect(loaded.mediaType).toBe("image/png");
      }
    }
    expect((await readdir(imageDir)).sort()).toEqual([...referenced].sort());
  });

  it("is deterministic: a second build gives the same dialogues and image bytes", async () => {
    const otherDir = path.join(root, "again");
    const again = await buildQuickstartSuite(otherDir);
    expect(again).toEqual(suite);
    for (const file of await readdir(imageDir)) {
      const first = await readFile(path.join(imageDir, file));
      const second = await readFile(path.join(otherDir, file));
      expect(first.equals(second)).toBe(true);
    }
  });

  it("leaves identical existing images untouched on a rebuild", async () => {
    const file = path.join(imageDir, (await readdir(imageDir))[0] ?? "");
    const before = (await stat(file)).mtimeMs;
    await buildQuickstartSuite(imageDir);
    expect((await stat(file)).mtimeMs).toBe(before);
  });

  it("returns fresh objects, so callers can change one build without affecting another", async () => {
    const first = suite[0];
    if (!first) throw new Error("empty suite");
    const again = await buildQuickstartSuite(imageDir);
    const copy = again[0];
    if (copy?.messages[0]) copy.messages[0].content = [];
    expect(first.messages[0]?.content.length).toBeGreaterThan(0);
  });
});
