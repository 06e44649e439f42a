import type { Target } from "../../../contracts/index.ts";
import { sha256Hex } from "../../../dialogue/image-ref.ts";
import type { CallEvent } from "../../../engine/call-executor.ts";
import { PriceTable } from "../../../engine/pricing.ts";
import { type RunProgress, runCases } from "../../../engine/run-cases.ts";
import { runIdFor } from "../../../engine/run-id.ts";
import { playRun } from "../../../engine/run-session.ts";
import type { Store } from "../../../engine/store.ts";
import { InputError } from "../../../errors.ts";
import { BUILD_METHODS, type BuildMethodName } from "./build-methods.ts";
import { caseDialogues, type PlannedSample, planSamples } from "./build-samples.ts";
import { ATTACKER_ROLE, type BuildTask } from "./built-dialogue.ts";
import type { Seed } from "./load-seeds.ts";
import { safemtBuildBenchmark } from "./safemt-build-benchmark.ts";
import type { ImageStyle } from "./seed-image.ts";
import { type BuiltCaseResult, writeBuiltDialogue } from "./write-built-dialogue.ts";
import {
  type BuildFailure,
  type SafemtOutputRecord,
  type WrittenFile,
  writeSafemtFolder,
} from "./write-safemt-folder.ts";

/** Everything a SafeMT build needs, already resolved. */
export interface SafemtBuildOptions {
  seeds: readonly Seed[];
  /** Identifies the seed data in the run id (e.g. a hash of the seed file). */
  seedsIdentity: string;
  outDir: string;
  /** User-turn lengths to build (e.g. 2,4,6,8); the 1-turn file (the bare query) is always written. */
  lengths: readonly number[];
  methods: readonly BuildMethodName[];
  /** `rotate` (default): seed i uses method i mod M at every length; `each`: one sample per seed and method. */
  assignment?: "rotate" | "each";
  attacker: Target;
  /** Attach the sample image to attacker requests (default: whether the attacker has vision). */
  attackerVision?: boolean;
  /** Extra attempts after a rejected dialogue, each told why the last was rejected (default 2). */
  retries?: number;
  /** Only the first n seeds. */
  limit?: number;
  /** Sample id prefix (default `built`): ids look like `built_malware_3`. */
  idPrefix?: string;
  imageStyle?: ImageStyle;
  store: Store;
  prices?: PriceTable;
  /** Dialogues built at once (default 8). */
  concurrency?: number;
  cache?: boolean;
  /** Try again the samples that failed in an earlier session of this build. */
  retryFailed?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  onCall?: (event: CallEvent) => void;
}

/** What a build leaves behind. */
export interface SafemtBuildOutcome {
  runId: string;
  resumed: boolean;
  interrupted: boolean;
  samples: number;
  /** Data files written (none when interrupted). */
  files: WrittenFile[];
  reportFile: string | null;
  failures: BuildFailure[];
  /** Dialogues not built yet (interrupted). */
  pending: number;
}

/**
 * Builds SafeMT-format dialogues from seeds: for each sample and length the attacker writes
 * the user and assistant turns as JSON, which is validated and, when rejected, retried with
 * the reasons fed back. Calls go through the engine (role `attacker`), so rerunning the same
 * build resumes where it stopped. Failures are listed in build-report.json, never dropped.
 */
export async function buildSafemt(options: SafemtBuildOptions): Promise<SafemtBuildOutcome> {
  if (options.lengths.some((length) => !Number.isInteger(length) || length < 1))
    throw new InputError("lengths must be whole numbers of user turns, 1 or more", "lengths");
  const lengths = [...new Set(options.lengths)].filter((length) => length > 1).sort((a, b) => a - b);
  if (options.methods.length === 0) throw new InputError("name at least one method", "methods");
  const { store, attacker } = options;
  const retries = options.retries ?? 2;
  const vision = options.attackerVision ?? attacker.hints.capabilities.vision;
  const runId = buildRunId(options, lengths, retries, vision);
  const samples = await planSamples(options);
  const bySampleId = new Map(samples.map((sample) => [sample.sampleId, sample]));
  const played = await playRun(
    store,
    {
      id: runId,
      name: safemtBuildBenchmark.name,
      recipe: safemtBuildBenchmark.name,
      config: {
        seeds: options.seedsIdentity,
        lengths,
        methods: options.methods,
        assignment: options.assignment ?? "rotate",
        attacker: attacker.id,
        retries,
      },
      simulator: attacker.hints.isSimulator,
    },
    { prices: options.prices ?? new PriceTable(), cache: options.cache ?? true, endpointConcurrency: 8 },
    ({ executor }) =>
      runCases<BuiltCaseResult>({
        store,
        runId,
        cases: caseDialogues(samples, lengths),
        concurrency: options.concurrency ?? 8,
        backoff: executor,
        retryErrored: options.retryFailed,
        signal: options.signal,
        onProgress: options.onProgress,
        play: async (dialogue) => {
          const { sampleId, length } = dialogue.metadata as { sampleId: string; length: number };
          const sample = bySampleId.get(sampleId) as PlannedSample;
          const task: BuildTask = {
            query: sample.seed.query,
            scenario: sample.seed.scenario,
            method: sample.method,
            length,
            imagePath: sample.image.absolutePath,
            imageNote: sample.image.note,
            attachImage: vision,
          };
          return writeBuiltDialogue(task, executor.forCase(dialogue.id), attacker, retries);
        },
      }),
    { signal: options.signal, onCall: options.onCall },
    // The files are written before the build is marked completed.
    ({ resumed, interrupted }) => collect(options, runId, resumed, interrupted, samples, lengths),
  );
  return played.finished;
}

function buildRunId(
  options: SafemtBuildOptions,
  lengths: readonly number[],
  retries: number,
  vision: boolean,
): string {
  return runIdFor(safemtBuildBenchmark.name, {
    seeds: options.seedsIdentity,
    lengths,
    methods: options.methods,
    assignment: options.assignment ?? "rotate",
    attacker: options.attacker.fingerprint,
    vision,
    retries,
    idPrefix: options.idPrefix ?? "built",
    imageStyle: options.imageStyle ?? "text",
    prompts: sha256Hex(ATTACKER_ROLE + JSON.stringify(BUILD_METHODS)),
  });
}

async function collect(
  options: SafemtBuildOptions,
  runId: string,
  resumed: boolean,
  interrupted: boolean,
  samples: readonly PlannedSample[],
  lengths: readonly number[],
): Promise<SafemtBuildOutcome> {
  const byLength = new Map<number, SafemtOutputRecord[]>([[1, []]]);
  for (const length of lengths) byLength.set(length, []);
  const failures: BuildFailure[] = [];
  let pending = 0;
  for (const sample of samples) {
    // Fields in the published files' order.
    const record = (dialogue: SafemtOutputRecord["dialogue"]): SafemtOutputRecord => ({
      id: sample.sampleId,
      scenario: sample.seed.scenario,
      image_path: sample.image.relativePath,
      dialogue,
      question: sample.seed.query,
    });
    byLength.get(1)?.push(record([{ role: "user", content: sample.seed.query }]));
    for (const length of lengths) {
      const stored = options.store.getCase(runId, `${sample.sampleId}@${length}`);
      const result = stored?.result as BuiltCaseResult | null | undefined;
      if (stored?.status === "done" && result) byLength.get(length)?.push(record(result.turns));
      else if (stored?.status === "errored")
        failures.push({
          sampleId: sample.sampleId,
          length,
          method: sample.method,
          seed: sample.seed.source,
          query: sample.seed.query,
          error: stored.error ?? "failed",
          rejected: result?.rejected ?? [],
        });
      else pending++;
    }
  }
  const outcome = { runId, resumed, interrupted, samples: samples.length, failures, pending };
  if (interrupted) return { ...outcome, files: [], reportFile: null };
  const report = {
    runId,
    attacker: options.attacker.id,
    simulator: options.attacker.hints.isSimulator,
    methods: options.methods,
    assignment: options.assignment ?? "rotate",
    lengths: [1, ...lengths],
    samples: samples.map((sample) => ({
      id: sample.sampleId,
      method: sample.method,
      seed: sample.seed.source,
    })),
    failures,
  };
  const written = await writeSafemtFolder(options.outDir, byLength, report);
  return { ...outcome, files: written.files, reportFile: written.reportFile };
}
