import { createRequire } from "node:module";
import path from "node:path";
import sharp from "sharp";
import { ImageError } from "../../errors.ts";

/** Reads the text printed in an image. */
export interface TextReader {
  read(image: Uint8Array): Promise<{ text: string; confidence: number }>;
  close(): Promise<void>;
}

interface TesseractWorker {
  recognize(image: Buffer): Promise<{ data: { text: string; confidence: number } }>;
  terminate(): Promise<unknown>;
}

// Small renders are upscaled so glyphs reach the size the LSTM model was trained on.
const MIN_WIDTH = 900;
const MAX_SIDE = 2400;

/** The bundled English model from @tesseract.js-data/eng (best_int, for the LSTM engine). */
export function englishDataPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
}

/**
 * OCR with tesseract.js, fully offline: the English data comes from the installed package and
 * the WebAssembly core from the installed tesseract.js-core, nothing is fetched and no cache
 * file is written. One worker is started on first use and reused; its jobs queue in order.
 */
export function createTesseractReader(): TextReader {
  let worker: Promise<TesseractWorker> | null = null;
  const start = async (): Promise<TesseractWorker> => {
    const { createWorker, OEM } = await import("tesseract.js");
    const created = await createWorker("eng", OEM.LSTM_ONLY, {
      langPath: englishDataPath(),
      cacheMethod: "none",
      gzip: true,
      logger: () => {},
      errorHandler: () => {},
    });
    // The renders and screenshots we read carry no DPI; saying 300 keeps tesseract from guessing.
    await created.setParameters({ user_defined_dpi: "300" });
    return created as unknown as TesseractWorker;
  };
  return {
    async read(image) {
      worker ??= start().catch((error: unknown) => {
        worker = null;
        throw new ImageError("the OCR engine (tesseract.js) could not start", { cause: error });
      });
      const ready = await worker;
      const prepared = await prepare(image);
      const result = await ready.recognize(prepared);
      return { text: result.data.text.replace(/\s+/g, " ").trim(), confidence: result.data.confidence };
    },
    async close() {
      const running = worker;
      worker = null;
      if (running) await (await running.catch(() => null))?.terminate();
    },
  };
}

// Greyscale PNG at a readable size; tesseract's own decoder then sees one simple format.
async function prepare(image: Uint8Array): Promise<Buffer> {
  try {
    const pipeline = sharp(image).rotate().flatten({ background: "#ffffff" }).greyscale();
    const { width = 0, height = 0 } = await sharp(image).metadata();
    if (width > 0 && width < MIN_WIDTH && Math.max(width, height) * 2 <= MAX_SIDE)
      pipeline.resize({ width: width * 2 });
    else if (Math.max(width, height) > MAX_SIDE)
      pipeline.resize({ width: MAX_SIDE, height: MAX_SIDE, fit: "inside" });
    return await pipeline.png().toBuffer();
  } catch (error) {
    throw new ImageError("the image could not be decoded for OCR", { cause: error });
  }
}
