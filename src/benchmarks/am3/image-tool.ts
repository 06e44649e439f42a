import { copyFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ModelCaller, Target } from "../../contracts/index.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { generateImage } from "../../targets/image-model.ts";
import { renderSceneImage, renderTextImage } from "../dialogues/render-image.ts";
import { keyPhrase } from "../safemt/build/key-terms.ts";
import { sceneFor } from "../safemt/build/seed-image.ts";

/** Where a tool backed by a model makes its call: the engine's caller and the call's step. */
export interface ImageToolUse {
  caller: ModelCaller;
  step: string;
}

/** Makes the supporting image a user agent asked for. */
export interface ImageTool {
  readonly name: string;
  /** The text-to-image model behind the tool, if any (its fingerprint is part of the run's identity). */
  readonly model?: Target;
  /** Returns the image bytes for a description (`use`: the call goes through the engine). */
  render(description: string, use?: ImageToolUse): Promise<Buffer>;
}

/**
 * A text-to-image model (`--image-model`, OpenAI images API) as the image tool: each image is one
 * call under the `image` role through the engine (stored, resumed, cached, counted per role).
 */
export function imageModelTool(model: Target): ImageTool {
  return {
    name: `image-model:${model.id}`,
    model,
    async render(description, use) {
      if (!use) throw new Error(`${model.id}: an image model is called through the engine's caller`);
      return generateImage(use.caller, model, description, use.step);
    },
  };
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
