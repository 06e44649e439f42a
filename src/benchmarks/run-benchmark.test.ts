import { describe, expect, it } from "vitest";
import type { Target } from "../contracts/index.ts";
import { DEFAULT_POLICY } from "../moderators/policy.ts";
import type { BenchmarkRunSettings } from "./benchmark.ts";
import { dialoguesBenchmark } from "./dialogues/dialogues-benchmark.ts";
import type { DialogueRunPlan } from "./dialogues/run-dialogues.ts";
import { BENCHMARKS, benchmarkFor } from "./index.ts";
import { moderationEvalBenchmark } from "./moderation-eval/moderation-eval-benchmark.ts";
import type { ModerationEvalPlan } from "./moderation-eval/run-moderation-eval.ts";
import { mtmcsBenchmark } from "./mtmcs/mtmcs-benchmark.ts";
import type { MtmcsRunPlan } from "./mtmcs/mtmcs-run.ts";
import { benchmarkRunId } from "./run-benchmark.ts";

const target = (id: string) => ({ id, fingerprint: `fp-${id}` }) as unknown as Target;

describe("benchmark run ids", () => {
  // Ids computed by the code before benchmarks were Benchmark values: a store written then
  // must still resume the same runs.
  it("keeps the dialogue suite's ids", () => {
    const plan = {
      name: "suite",
      dataIdentity: "file:/d.jsonl#abc",
      targets: [target("a"), target("b")],
      judges: [{ name: "refusal" }, { name: "safety", target: target("j") }],
      driver: "auto",
      repeat: 3,
    } as unknown as DialogueRunPlan;
    expect(benchmarkRunId(dialoguesBenchmark, plan)).toBe("suite-f6ae40f683");
  });

  it("keeps MTMCS ids", () => {
    const plan = {
      name: "mtmcs",
      sources: [{ file: "/x.parquet", split: "test" }],
      modalities: ["mm"],
      targets: [target("a")],
      defences: [[]],
      judge: { target: target("j"), mode: "caption" },
      protocol: { maxTurns: 3 },
    } as unknown as MtmcsRunPlan;
    expect(benchmarkRunId(mtmcsBenchmark, plan)).toBe("mtmcs-3e598dfc07");
  });

  it("keeps moderation evaluation ids", () => {
    const plan = {
      name: "modeval",
      dataIdentity: "mmds:/m",
      moderators: [{ label: "local", moderator: { name: "keyword" } }],
      policy: DEFAULT_POLICY,
      customDimensions: [],
      flipCheck: true,
    } as unknown as ModerationEvalPlan & BenchmarkRunSettings;
    expect(benchmarkRunId(moderationEvalBenchmark, plan)).toBe("modeval-d4bfc4cf5f");
  });
});

describe("benchmarkFor", () => {
  it("finds each benchmark by the recipe name stored with its runs", () => {
    for (const name of ["dialogues", "safemt", "safemt-build", "mtmcs", "moderation-eval"])
      expect(benchmarkFor(name).name).toBe(name);
    expect(new Set(BENCHMARKS.map((benchmark) => benchmark.name)).size).toBe(BENCHMARKS.length);
  });

  it("reads runs of an unknown recipe as dialogue suites", () => {
    expect(benchmarkFor("something-older")).toBe(dialoguesBenchmark);
  });
});
