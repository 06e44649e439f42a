import type { ImageRef } from "../../dialogue/dialogue.ts";
import { type ImageLoadOptions, loadImage } from "../../dialogue/image-ref.ts";
import type { DimensionWeights } from "./dimension-keys.ts";
import type { NudityDetector, NudityScores } from "./nudity-detector.ts";
import type { TextReader } from "./ocr-reader.ts";

/** What the guard read off one image. */
export interface ImageFindings {
  sha256: string;
  /** OCR text, or null when OCR is off or found nothing legible. */
  text: string | null;
  nudity: NudityScores | null;
}

/**
 * Nudity thresholds. The sexual evidence of an image is p = Porn + Hentai + 0.5 x Sexy
 * (capped at 1): suggestive photos ("Sexy") count half, explicit ones in full. Below
 * NUDITY_FLOOR the image adds nothing. Above it, it weighs NUDITY_WEIGHT x p log-odds toward
 * Sexual Content, so on its own an image is unsafe from p = 0.8 (about Porn 0.8), and an image
 * from p = 0.5 turns unsafe together with a sexual request in the text.
 */
export const NUDITY_FLOOR = 0.2;
export const NUDITY_WEIGHT = 5;

// OCR of photos without text yields a few stray characters at low confidence.
const MIN_OCR_CONFIDENCE = 30;
const MIN_OCR_LETTERS = 3;
const CACHE_LIMIT = 512;

/** Loads images and reads them with OCR and nudity detection, caching results by sha256. */
export interface ImageAnalyser {
  analyse(image: ImageRef): Promise<ImageFindings>;
}

/** An analyser over the given readers (either may be absent when turned off). */
export function createImageAnalyser(
  reader: TextReader | null,
  detector: NudityDetector | null,
  loadOptions: ImageLoadOptions,
): ImageAnalyser {
  const cache = new Map<string, Promise<ImageFindings>>();
  return {
    async analyse(image) {
      const loaded = await loadImage(image, loadOptions);
      const cached = cache.get(loaded.sha256);
      if (cached) return cached;
      const findings = (async (): Promise<ImageFindings> => {
        const [ocr, nudity] = await Promise.all([
          reader?.read(loaded.bytes),
          detector?.classify(loaded.bytes),
        ]);
        const legible =
          ocr &&
          ocr.confidence >= MIN_OCR_CONFIDENCE &&
          (ocr.text.match(/[a-z]/gi)?.length ?? 0) >= MIN_OCR_LETTERS;
        return { sha256: loaded.sha256, text: legible ? ocr.text : null, nudity: nudity ?? null };
      })();
      cache.set(loaded.sha256, findings);
      findings.catch(() => cache.delete(loaded.sha256));
      if (cache.size > CACHE_LIMIT) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return findings;
    },
  };
}

/** The sexual-content weight of an image's nudity scores, or null below the floor. */
export function nudityWeights(scores: NudityScores): { weights: DimensionWeights; evidence: number } | null {
  const evidence = Math.min(1, scores.porn + scores.hentai + 0.5 * scores.sexy);
  if (evidence < NUDITY_FLOOR) return null;
  return { weights: { sexual: NUDITY_WEIGHT * evidence }, evidence };
}
