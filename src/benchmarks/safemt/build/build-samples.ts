import type { Dialogue } from "../../../dialogue/dialogue.ts";
import { ImageError, InputError } from "../../../errors.ts";
import type { BuildMethodName } from "./build-methods.ts";
import type { Seed } from "./load-seeds.ts";
import { type ImageStyle, prepareSampleImage, type SampleImage } from "./seed-image.ts";
import { scenarioSlug } from "./seed-scenario.ts";

/** What sample planning needs (see SafemtBuildOptions). */
export interface SamplePlanOptions {
  seeds: readonly Seed[];
  methods: readonly BuildMethodName[];
  outDir: string;
  assignment?: "rotate" | "each";
  limit?: number;
  idPrefix?: string;
  imageStyle?: ImageStyle;
}

/** One sample to build: a seed, the method it is written with and its image. */
export interface PlannedSample {
  sampleId: string;
  seed: Seed;
  method: BuildMethodName;
  image: SampleImage;
}

/** Sample ids, methods and images, in seed order; ids count per scenario like SafeMT's. */
export async function planSamples(options: SamplePlanOptions): Promise<PlannedSample[]> {
  const seeds = options.limit === undefined ? options.seeds : options.seeds.slice(0, options.limit);
  const prefix = options.idPrefix ?? "built";
  const counters = new Map<string, number>();
  const samples: PlannedSample[] = [];
  for (const [index, seed] of seeds.entries()) {
    const slug = scenarioSlug(seed.scenario);
    const number = (counters.get(slug) ?? 0) + 1;
    counters.set(slug, number);
    const image = await prepareSampleImage({
      query: seed.query,
      seedImage: seed.image,
      outDir: options.outDir,
      stem: `images/${slug}/${slug}_${number}`,
      style: options.imageStyle ?? "text",
    }).catch((error: unknown) => {
      throw error instanceof ImageError
        ? new InputError(error.message, seed.source, { cause: error })
        : error;
    });
    const base = `${prefix}_${slug}_${number}`;
    if (options.assignment === "each")
      for (const method of options.methods)
        samples.push({ sampleId: `${base}_${method}`, seed, method, image });
    else
      samples.push({
        sampleId: base,
        seed,
        method: options.methods[index % options.methods.length] as BuildMethodName,
        image,
      });
  }
  return samples;
}

/** One engine case per sample and length (`<sampleId>@<length>`), carrying the seed query. */
export function* caseDialogues(
  samples: readonly PlannedSample[],
  lengths: readonly number[],
): Generator<Dialogue> {
  for (const sample of samples)
    for (const length of lengths)
      yield {
        version: 1,
        id: `${sample.sampleId}@${length}`,
        messages: [{ role: "user", content: [{ type: "text", text: sample.seed.query }] }],
        labels: {},
        metadata: { sampleId: sample.sampleId, length, method: sample.method, seed: sample.seed.source },
      };
}
