import sharp from "sharp";
import { ImageError } from "../../errors.ts";

/** NSFWJS class probabilities for one image (they sum to about 1). */
export interface NudityScores {
  porn: number;
  hentai: number;
  sexy: number;
  neutral: number;
  drawing: number;
}

/** Classifies images for nudity. */
export interface NudityDetector {
  classify(image: Uint8Array): Promise<NudityScores>;
  close(): Promise<void>;
}

interface Classifier {
  classify(image: unknown, topk: number): Promise<{ className: string; probability: number }[]>;
  dispose(): void;
}

interface TensorFlow {
  tensor3d(values: Int32Array, shape: [number, number, number], dtype: "int32"): { dispose(): void };
}

const INPUT_SIZE = 224;

/**
 * NSFWJS's MobileNetV2 model, loaded from the copy bundled in the nsfwjs package (never from a
 * URL) on the pure-JavaScript TensorFlow.js CPU backend. Images are decoded with sharp to raw
 * RGB at the model's input size. Loaded on first use (about a second) and reused.
 */
export function createNsfwDetector(): NudityDetector {
  let loaded: Promise<{ tf: TensorFlow; model: Classifier }> | null = null;
  return {
    async classify(image) {
      loaded ??= load().catch((error: unknown) => {
        loaded = null;
        throw new ImageError("the nudity model (nsfwjs) could not be loaded", { cause: error });
      });
      const { tf, model } = await loaded;
      let pixels: Buffer;
      try {
        pixels = await sharp(image)
          .rotate()
          .flatten({ background: "#ffffff" })
          .resize(INPUT_SIZE, INPUT_SIZE, { fit: "fill" })
          .removeAlpha()
          .raw()
          .toBuffer();
      } catch (error) {
        throw new ImageError("the image could not be decoded for nudity detection", { cause: error });
      }
      const tensor = tf.tensor3d(new Int32Array(pixels), [INPUT_SIZE, INPUT_SIZE, 3], "int32");
      try {
        const predictions = await model.classify(tensor, 5);
        const scores: NudityScores = { porn: 0, hentai: 0, sexy: 0, neutral: 0, drawing: 0 };
        for (const { className, probability } of predictions) {
          const key = className.toLowerCase() as keyof NudityScores;
          if (key in scores) scores[key] = probability;
        }
        return scores;
      } finally {
        tensor.dispose();
      }
    },
    async close() {
      const running = loaded;
      loaded = null;
      if (running) (await running.catch(() => null))?.model.dispose();
    },
  };
}

async function load(): Promise<{ tf: TensorFlow; model: Classifier }> {
  const tf = await import("@tensorflow/tfjs");
  // Production mode silences TensorFlow.js's console hint about the native Node backend.
  tf.enableProdMode();
  await tf.setBackend("cpu");
  const { NSFWJS } = await import("nsfwjs/core");
  const { MobileNetV2Model } = await import("nsfwjs/models/mobilenet_v2");
  const modelJson = (await MobileNetV2Model.modelJson()).default;
  const shards = new Map<string, string>();
  for (const [index, bundle] of MobileNetV2Model.weightBundles.entries())
    shards.set(`group1-shard${index + 1}of${MobileNetV2Model.numOfWeightBundles}`, (await bundle()).default);
  const handler = {
    async load() {
      const manifest = modelJson.weightsManifest ?? [];
      const parts = manifest.flatMap((group: { paths: string[] }) =>
        group.paths.map((name: string) => {
          const base64 = shards.get(name);
          if (base64 === undefined) throw new ImageError(`the nsfwjs weight shard ${name} is missing`);
          return Buffer.from(base64, "base64");
        }),
      );
      const weights = Buffer.concat(parts);
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        weightSpecs: manifest.flatMap((group: (typeof manifest)[number]) => group.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      };
    },
  };
  const model = new NSFWJS(handler, { size: INPUT_SIZE });
  await model.load();
  return { tf: tf as unknown as TensorFlow, model: model as unknown as Classifier };
}
