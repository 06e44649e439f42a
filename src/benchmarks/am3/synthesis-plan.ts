import type { Target } from "../../contracts/index.ts";
import type { TurnScoreJudge } from "../../judges/turn-score-judge.ts";
import type { BenchmarkRunSettings } from "../benchmark.ts";
import type { Seed } from "../safemt/build/load-seeds.ts";
import type { Decomposition } from "./decompose.ts";
import type { ImageTool } from "./image-tool.ts";
import type { SynthDialogue } from "./play-synthesis.ts";

/** Everything `am3 synthesise` runs with, resolved. */
export interface Am3SynthesisPlan extends BenchmarkRunSettings {
  name: string;
  seeds: readonly Seed[];
  /** Identifies the seed data in the run id (a hash of the seed file). */
  seedsIdentity: string;
  outDir: string;
  decomposer: Target;
  user: Target;
  assistants: readonly Target[];
  /** Quality checker, drift judge and turn labeller's model. */
  judge: Target;
  labeller: TurnScoreJudge;
  imageTool: ImageTool;
  /** Regenerations of a decomposition that failed the quality check, before the seed is dropped (default 2). */
  retries: number;
  concurrency: number;
}

/** What a synthesis case (one seed) stores. */
export interface Am3CaseResult {
  category: string;
  query: string;
  /** The seed image, relative to the output folder. */
  seedImage: string;
  decomposition: Decomposition;
  dialogues: SynthDialogue[];
}
