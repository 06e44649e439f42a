import type { Target } from "../../contracts/index.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { defaultCasesInFlight } from "../../engine/cases-in-flight.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { stableStringify } from "../../engine/request-hash.ts";
import type { Moderator, Policy } from "../../moderators/moderator.ts";
import type { DialogueRunHooks, DialogueRunOutcome, DialogueRunPlan } from "../dialogues/run-dialogues.ts";
import { runBenchmark } from "../run-benchmark.ts";
import { safemtBenchmark } from "./safemt-benchmark.ts";
import { defendedTargets, type SafemtDefence } from "./safemt-defences.ts";
import { createSafemtJudge, SAFEMT_JUDGE_PROMPT_HASH, type SafemtJudgeMode } from "./safemt-judge.ts";
import { loadSafemtData, type SafemtDataset } from "./safemt-loader.ts";
import { buildSafemtReportAndSummaries, type SafemtCondition } from "./safemt-report.ts";
import type { SafemtSummary } from "./safemt-results.ts";

/** Everything a SafeMT run needs, targets already built. */
export interface SafemtRunSpec {
  /** Part of the run id (default `safemt`). */
  name?: string;
  dataDir: string;
  lengths?: number[];
  skipMissingImages?: boolean;
  /** Accept image paths that resolve outside the dataset folder. */
  allowOutsideImages?: boolean;
  /** Only the first n sample ids, each at every length. */
  limit?: number;
  /** Bare targets; each runs under every defence. */
  targets: Target[];
  judge: { target: Target; mode?: SafemtJudgeMode; vision?: boolean };
  defences?: SafemtDefence[];
  moderator?: Moderator;
  policy?: Policy;
  storePath: string;
  reportDir: string;
  concurrency?: number;
  endpointConcurrency?: number;
  cache?: boolean;
  retry?: Record<string, number | undefined>;
  prices?: PriceTable;
  reportCases?: number;
  retryErrored?: boolean;
  /** The configuration as the user gave it, secrets removed; stored with the run. */
  config?: unknown;
}

/** A resolved SafeMT run: the generic dialogue-run plan plus what SafeMT adds. */
export interface SafemtPlan {
  plan: DialogueRunPlan;
  dataset: SafemtDataset;
  conditions: SafemtCondition[];
}

/** What a finished (or interrupted) SafeMT run leaves behind. */
export interface SafemtRunOutcome extends DialogueRunOutcome {
  dataset: SafemtDataset;
  conditions: SafemtCondition[];
  summaries: SafemtSummary[];
}

/**
 * Loads the data and builds the plan: every sample replayed with its static history against
 * every target under every defence, judged by the SafeMT judge. The run id hashes the data's
 * bytes, lengths, limit, targets (defences included), judge, its mode and prompt, so rerunning
 * the same command resumes the run.
 */
export async function planSafemtRun(spec: SafemtRunSpec): Promise<SafemtPlan> {
  const dataset = await loadSafemtData(spec.dataDir, {
    lengths: spec.lengths,
    skipMissingImages: spec.skipMissingImages,
    limit: spec.limit,
    allowOutsideImages: spec.allowOutsideImages,
  });
  const defences = spec.defences ?? ["none"];
  const { targets, conditions } = defendedTargets(spec.targets, defences, {
    moderator: spec.moderator,
    policy: spec.policy,
  });
  const mode = spec.judge.mode ?? "default";
  const judge = createSafemtJudge({
    target: spec.judge.target,
    mode,
    vision: spec.judge.vision,
    imageBaseDir: dataset.folder,
  });
  const reportCases = spec.reportCases ?? 300;
  const identity = stableStringify({
    folder: dataset.folder,
    content: dataset.contentHash,
    lengths: dataset.lengths,
    limit: spec.limit ?? null,
    skipMissingImages: spec.skipMissingImages === true,
    judgePrompt: SAFEMT_JUDGE_PROMPT_HASH,
    judgeVision: spec.judge.vision === true,
    defences,
  });
  const plan: DialogueRunPlan = {
    name: spec.name ?? "safemt",
    dataIdentity: `safemt:${sha256Hex(identity).slice(0, 16)}`,
    cases: () => dataset.dialogues,
    imageBaseDir: dataset.folder,
    targets,
    judges: [judge],
    driver: "replay",
    storePath: spec.storePath,
    reportDir: spec.reportDir,
    concurrency:
      spec.concurrency ?? defaultCasesInFlight(targets, [spec.judge.target], spec.endpointConcurrency ?? 8),
    endpointConcurrency: spec.endpointConcurrency ?? 8,
    cache: spec.cache ?? true,
    retry: spec.retry ?? {},
    prices: spec.prices ?? new PriceTable(),
    reportCases,
    retryErrored: spec.retryErrored,
    config: {
      ...(typeof spec.config === "object" && spec.config !== null ? spec.config : {}),
      safemt: {
        judge: judge.name,
        judgeMode: mode,
        judgeModel: spec.judge.target.id,
        conditions,
        lengths: dataset.lengths,
        layout: dataset.layout,
        samples: dataset.samples,
        skippedForMissingImages: dataset.missingImages.length,
      },
      resolved: { imageBaseDir: dataset.folder, data: dataset.folder },
    },
  };
  return { plan, dataset, conditions };
}

/** Plays a SafeMT run end to end (resuming it when it exists) and writes its reports. */
export async function executeSafemtRun(
  spec: SafemtRunSpec | SafemtPlan,
  hooks: DialogueRunHooks = {},
): Promise<SafemtRunOutcome> {
  const planned = "plan" in spec ? spec : await planSafemtRun(spec);
  // The summaries come from building the report (also after an interruption), not a second pass.
  let summaries: SafemtSummary[] = [];
  const outcome = await runBenchmark(
    {
      ...safemtBenchmark,
      report: async (store, runId, options) => {
        const built = await buildSafemtReportAndSummaries(store, runId, options);
        summaries = built.summaries;
        return built.report;
      },
    },
    planned.plan,
    hooks,
  );
  return { ...outcome, dataset: planned.dataset, conditions: planned.conditions, summaries };
}
