import path from "node:path";
import type { Target } from "../../../contracts/index.ts";
import { sha256Hex } from "../../../dialogue/image-ref.ts";
import { type RunProgress, runCases } from "../../../engine/run-cases.ts";
import type { RunSessionHooks } from "../../../engine/run-session.ts";
import type { Store } from "../../../engine/store.ts";
import { targetHints } from "../../../engine/target-hints.ts";
import type { BenchmarkRunSettings, PlaySession } from "../../benchmark.ts";
import { BUILD_METHODS, type BuildMethodName } from "./build-methods.ts";
import { caseDialogues, type PlannedSample } from "./build-samples.ts";
import { ATTACKER_ROLE, type BuildTask } from "./built-dialogue.ts";
import type { ImageStyle } from "./seed-image.ts";
import { type BuiltCaseResult, writeBuiltDialogue } from "./write-built-dialogue.ts";
import {
  type BuildFailure,
  type SafemtOutputRecord,
  turnFileName,
  type WrittenFile,
  writeSafemtFolder,
} from "./write-safemt-folder.ts";

/** A SafeMT build, resolved: samples planned (images made), lengths checked, attacker built. */
export interface SafemtBuildPlan extends BenchmarkRunSettings {
  /** Identifies the seed data in the run id (e.g. a hash of the seed file). */
  seedsIdentity: string;
  samples: readonly PlannedSample[];
  outDir: string;
  /** Multi-turn lengths to build, sorted, without 1 (the 1-turn file is the bare query). */
  lengths: readonly number[];
  methods: readonly BuildMethodName[];
  assignment: "rotate" | "each";
  attacker: Target;
  /** Attach the sample image to attacker requests. */
  vision: boolean;
  /** Extra attempts after a rejected dialogue. */
  retries: number;
  idPrefix: string;
  imageStyle: ImageStyle;
  /** Dialogues built at once. */
  concurrency: number;
  /** Try again the samples that failed in an earlier session of this build. */
  retryErrored?: boolean;
  /** Dialogues shown in full in the report. */
  reportCases: number;
}

/** What determines a build's dialogues, hashed into its run id (unchanged since builds were first stored). */
export function safemtBuildIdentity(plan: SafemtBuildPlan): unknown {
  return {
    seeds: plan.seedsIdentity,
    lengths: plan.lengths,
    methods: plan.methods,
    assignment: plan.assignment,
    attacker: plan.attacker.fingerprint,
    vision: plan.vision,
    retries: plan.retries,
    idPrefix: plan.idPrefix,
    imageStyle: plan.imageStyle,
    prompts: sha256Hex(ATTACKER_ROLE + JSON.stringify(BUILD_METHODS)),
  };
}

/** The configuration stored with a build's run. */
export function safemtBuildConfig(plan: SafemtBuildPlan): Record<string, unknown> {
  return {
    seeds: plan.seedsIdentity,
    lengths: plan.lengths,
    methods: plan.methods,
    assignment: plan.assignment,
    attacker: plan.attacker.id,
    retries: plan.retries,
  };
}

/** Builds every sample at every length: the attacker writes it, the validator checks it (role `attacker`). */
export function playSafemtBuild(
  plan: SafemtBuildPlan,
  { store, runId, executor }: PlaySession,
  hooks: RunSessionHooks,
): Promise<RunProgress> {
  const bySampleId = new Map(plan.samples.map((sample) => [sample.sampleId, sample]));
  return runCases<BuiltCaseResult>({
    store,
    runId,
    cases: caseDialogues(plan.samples, plan.lengths),
    concurrency: plan.concurrency,
    backoff: executor,
    retryErrored: plan.retryErrored,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
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
        attachImage: plan.vision,
      };
      return writeBuiltDialogue(task, executor.forCase(dialogue.id), plan.attacker, plan.retries);
    },
  });
}

/** What a build's stored cases amount to: the records per length, the failures, what is left. */
export interface CollectedBuild {
  byLength: Map<number, SafemtOutputRecord[]>;
  failures: BuildFailure[];
  pending: number;
}

/** Reads a build's cases back from the store, in sample order. */
export function collectBuild(plan: SafemtBuildPlan, store: Store, runId: string): CollectedBuild {
  const byLength = new Map<number, SafemtOutputRecord[]>([[1, []]]);
  for (const length of plan.lengths) byLength.set(length, []);
  const failures: BuildFailure[] = [];
  let pending = 0;
  for (const sample of plan.samples) {
    // Fields in the published files' order.
    const record = (dialogue: SafemtOutputRecord["dialogue"]): SafemtOutputRecord => ({
      id: sample.sampleId,
      scenario: sample.seed.scenario,
      image_path: sample.image.relativePath,
      dialogue,
      question: sample.seed.query,
    });
    byLength.get(1)?.push(record([{ role: "user", content: sample.seed.query }]));
    for (const length of plan.lengths) {
      const stored = store.getCase(runId, `${sample.sampleId}@${length}`);
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
  return { byLength, failures, pending };
}

/** The data files a build writes (none when interrupted): `N_turn.json` per length, then build-report.json. */
export function builtFiles(plan: SafemtBuildPlan, collected: CollectedBuild): WrittenFile[] {
  return [...collected.byLength]
    .sort(([a], [b]) => a - b)
    .map(([length, records]) => ({
      length,
      file: path.join(plan.outDir, turnFileName(length)),
      records: records.length,
    }));
}

/**
 * Writes the build's data files (before the run is marked completed, so a completed build always
 * has them); nothing after an interruption.
 */
export async function writeBuildOutput(
  plan: SafemtBuildPlan,
  session: { store: Store; runId: string; interrupted: boolean },
): Promise<void> {
  if (session.interrupted) return;
  const collected = collectBuild(plan, session.store, session.runId);
  await writeSafemtFolder(plan.outDir, collected.byLength, {
    runId: session.runId,
    attacker: plan.attacker.id,
    simulator: targetHints(plan.attacker).isSimulator,
    methods: plan.methods,
    assignment: plan.assignment,
    lengths: [1, ...plan.lengths],
    samples: plan.samples.map((sample) => ({
      id: sample.sampleId,
      method: sample.method,
      seed: sample.seed.source,
    })),
    failures: collected.failures,
  });
}
