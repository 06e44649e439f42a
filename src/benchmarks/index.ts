import { am3SynthesisBenchmark } from "./am3/am3-synthesis-benchmark.ts";
import type { StoredBenchmark } from "./benchmark.ts";
import { dialoguesBenchmark } from "./dialogues/dialogues-benchmark.ts";
import { judgeEvalBenchmark } from "./judge-eval/judge-eval-benchmark.ts";
import { judgeScoreBenchmark } from "./judge-score/judge-score-benchmark.ts";
import { moderationEvalBenchmark } from "./moderation-eval/moderation-eval-benchmark.ts";
import { mtmcsBenchmark } from "./mtmcs/mtmcs-benchmark.ts";
import { redteamBenchmark } from "./redteam/redteam-benchmark.ts";
import { safemtBuildBenchmark } from "./safemt/build/safemt-build-benchmark.ts";
import { safemtBenchmark } from "./safemt/safemt-benchmark.ts";

/** Every benchmark whose runs a store may hold; a new benchmark adds its value here. */
export const BENCHMARKS: readonly StoredBenchmark[] = [
  dialoguesBenchmark,
  safemtBenchmark,
  safemtBuildBenchmark,
  mtmcsBenchmark,
  moderationEvalBenchmark,
  am3SynthesisBenchmark,
  judgeScoreBenchmark,
  judgeEvalBenchmark,
  redteamBenchmark,
];

/** The benchmark of a stored run, by the recipe name stored with it; unknown names read as dialogue suites. */
export function benchmarkFor(recipe: string): StoredBenchmark {
  return BENCHMARKS.find((benchmark) => benchmark.name === recipe) ?? dialoguesBenchmark;
}
