import { copyFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { renderSceneImage, renderTextImage } from "../dialogues/render-image.ts";
import { keyPhrase } from "../safemt/build/key-terms.ts";
import { sceneFor } from "../safemt/build/seed-image.ts";

/** Makes the supporting image a user agent asked for. */
export interface ImageTool {
  readonly name: string;
  /** Returns the PNG bytes for a description. */
  render(description: string): Promise<Buffer>;
}

/**
 * The offline image tool: a drawn scene when the description names one turnsafe can draw
 * (a padlock, a car, a pill bottle...), else a typographic image of its key phrase. A stand-in
 * for a text-to-image model, so synthesis runs with no network; its images are simple.
 */
export const localImageTool: ImageTool = {
  name: "local-renderer",
  async render(description) {
    const scene = sceneFor(description);
    if (scene) return renderSceneImage(scene);
    return renderTextImage({ lines: [keyPhrase(description, 8)] });
  },
};

/** Writes image bytes under `outDir/images/` named by content (so a resumed run rewrites nothing); returns the relative path. */
export async function saveImage(outDir: string, bytes: Buffer): Promise<string> {
  const relative = `images/${sha256Hex(bytes).slice(0, 24)}.png`;
  const absolute = path.join(outDir, relative);
  await mkdir(path.dirname(absolute), { recursive: true });
  await writeFile(absolute, bytes);
  return relative;
}

/** Copies a seed's own image into `outDir/images/` (named by its path's hash); returns the relative path. */
export async function copyImage(outDir: string, file: string): Promise<string> {
  const relative = `images/seed-${sha256Hex(file).slice(0, 16)}${path.extname(file).toLowerCase() || ".png"}`;
  await mkdir(path.join(outDir, "images"), { recursive: true });
  await copyFile(file, path.join(outDir, relative));
  return relative;
}
