import { hash } from "node:crypto";
import sharp from "sharp";
import type { Message } from "../dialogue/dialogue.ts";
import { describeImage, loadImage } from "../dialogue/image-ref.ts";
import type { ScoreRecord } from "../engine/store.ts";
import type { CaseView, TurnView } from "./report-data.ts";

/** Longest side of report thumbnails, in pixels. */
const THUMBNAIL_SIZE = 160;
/** Longest side of the enlarged copy shown on click: typographic text in images stays readable. */
const FULL_SIZE = 1024;

/**
 * Turns a conversation into report turns, embedding each image as a small JPEG thumbnail.
 * An image that cannot be read is shown by its label and the reason, not dropped.
 */
export async function toTurnViews(
  messages: readonly Message[],
  imageBaseDir: string | undefined,
): Promise<TurnView[]> {
  const turns: TurnView[] = [];
  for (const message of messages) {
    const view: TurnView = { role: message.role, text: "", images: [] };
    for (const part of message.content) {
      if (part.type === "text") view.text += view.text ? `\n${part.text}` : part.text;
      else view.images.push(await thumbnail(part.image, imageBaseDir));
    }
    turns.push(view);
  }
  return turns;
}

/** Images already encoded for this process's reports, by content (a dataset repeats its images across cases). */
const encoded = new Map<string, Promise<{ dataUri: string; fullDataUri?: string }>>();
const ENCODED_KEPT = 64;

async function thumbnail(
  image: Parameters<typeof loadImage>[0],
  baseDir: string | undefined,
): Promise<TurnView["images"][number]> {
  const label = describeImage(image);
  if (image.url && !image.url.startsWith("data:")) return { label };
  try {
    const loaded = await loadImage(image, { baseDir });
    const key = hash("sha1", loaded.bytes);
    let views = encoded.get(key);
    if (!views) {
      views = encodeViews(loaded.bytes);
      encoded.set(key, views);
      if (encoded.size > ENCODED_KEPT) encoded.delete(encoded.keys().next().value as string);
      // A failure is not remembered: the next case retries.
      views.catch(() => encoded.delete(key));
    }
    return { ...(await views), label };
  } catch (error) {
    return { label: `${label} (not shown: ${(error as Error).message})` };
  }
}

/** A thumbnail, and for an image larger than that, a second, larger copy shown on click. */
async function encodeViews(bytes: Uint8Array): Promise<{ dataUri: string; fullDataUri?: string }> {
  const encode = async (size: number, quality: number) => {
    const jpeg = await sharp(bytes)
      .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality })
      .toBuffer();
    return `data:image/jpeg;base64,${jpeg.toString("base64")}`;
  };
  const { width = 0, height = 0 } = await sharp(bytes).metadata();
  const dataUri = await encode(THUMBNAIL_SIZE, 70);
  if (Math.max(width, height) <= THUMBNAIL_SIZE) return { dataUri };
  return { dataUri, fullDataUri: await encode(FULL_SIZE, 85) };
}

/** A stored score as the report shows it; an unparsed verdict shows the judge's raw output. */
export function scoreView(score: ScoreRecord): CaseView["scores"][number] {
  return {
    scorer: score.scorer,
    status: score.status,
    label: score.label,
    value: score.value,
    explanation:
      score.status === "unparsed" && score.raw
        ? `${score.explanation ?? ""} — raw: ${score.raw}`
        : score.explanation,
  };
}
