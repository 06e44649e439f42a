import { copyFile, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { ImageError } from "../../../errors.ts";
import { renderSceneImage, renderTextImage, type SceneKind } from "../../dialogues/render-image.ts";
import { keyPhrase } from "./key-terms.ts";

/** How images are made for seeds that have none. */
export type ImageStyle = "text" | "scene";

/** A sample's image in the output folder. */
export interface SampleImage {
  /** Relative to the output folder, with forward slashes (`images/malware/malware_1.png`). */
  relativePath: string;
  absolutePath: string;
  /** What the attacker is told about it. */
  note: string;
}

// Keyword stems that pick a drawn scene; the first match wins, and no match falls back to text.
const SCENE_CUES: [RegExp, SceneKind][] = [
  [/\b(hack|malware|virus|ransomware|exploit|database|password|phish|scam|fraud)/i, "laptop-warning"],
  [/\b(drug|pill|overdose|medicat|poison|opioid|fentanyl)/i, "pill-bottle"],
  [/\b(chemical|bomb|explosive|toxin|nerve agent|synthes|meth|lab)/i, "chemistry-flask"],
  [/\b(knife|stab|kill|murder|attack|hurt|weapon)/i, "knife-block"],
  [/\b(car|vehicle|steal|theft)/i, "car"],
  [/\b(track|stalk|locat|spy|surveil|address)/i, "phone-map"],
  [/\b(burglar|break into|home|house|door)/i, "front-door"],
  [/\b(lock|safe|vault)/i, "padlock"],
];

/** The scene that fits a query, if any. */
export function sceneFor(query: string): SceneKind | undefined {
  return SCENE_CUES.find(([cue]) => cue.test(query))?.[1];
}

/**
 * Puts a sample's image in place under `outDir`: the seed's own image is copied (keeping its
 * extension); otherwise a typographic image of the query's key phrase is rendered (or, with
 * style `scene`, a drawn scene when one fits). An existing file is kept, so a resumed build
 * sends the attacker the same bytes.
 */
export async function prepareSampleImage(options: {
  query: string;
  seedImage?: string;
  outDir: string;
  /** Relative path without extension, e.g. `images/malware/malware_1`. */
  stem: string;
  style: ImageStyle;
}): Promise<SampleImage> {
  const { outDir, stem: fileStem } = options;
  if (options.seedImage !== undefined) {
    const extension = path.extname(options.seedImage).toLowerCase() || ".jpg";
    const relativePath = `${fileStem}${extension}`;
    const absolutePath = path.join(outDir, relativePath);
    if (!(await exists(absolutePath))) {
      await mkdir(path.dirname(absolutePath), { recursive: true });
      try {
        await copyFile(options.seedImage, absolutePath);
      } catch (error) {
        throw new ImageError(
          `seed image ${options.seedImage} cannot be copied: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
    return { relativePath, absolutePath, note: "a photo or picture that goes with the request." };
  }
  const relativePath = `${fileStem}.png`;
  const absolutePath = path.join(outDir, relativePath);
  const scene = options.style === "scene" ? sceneFor(options.query) : undefined;
  const phrase = keyPhrase(options.query);
  if (!(await exists(absolutePath))) {
    if (scene) await renderSceneImage(scene, { file: absolutePath });
    else await renderTextImage({ lines: [phrase], file: absolutePath });
  }
  const note = scene
    ? `a simple drawing of a ${scene.replace(/-/g, " ")}.`
    : `a plain image with the words "${phrase}" written on it.`;
  return { relativePath, absolutePath, note };
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}
