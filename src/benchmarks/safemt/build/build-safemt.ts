import path from "node:path";
import type { Target } from "../../../contracts/index.ts";
import { PriceTable } from "../../../engine/pricing.ts";
import type { RunSessionHooks } from "../../../engine/run-session.ts";
import { SqliteStore } from "../../../engine/sqlite-store.ts";
import { InputError } from "../../../errors.ts";
import { runBenchmark } from "../../run-benchmark.ts";
import type { BuildMethodName } from "./build-methods.ts";
import { planSamples } from "./build-samples.ts";
import type { Seed } from "./load-seeds.ts";
import { safemtBuildBenchmark } from "./safemt-build-benchmark.ts";
import { builtFiles, collectBuild, type SafemtBuildPlan } from "./safemt-build-play.ts";
import type { ImageStyle } from "./seed-image.ts";
import type { BuildFailure, WrittenFile } from "./write-safemt-folder.ts";

/** What a SafeMT build is asked to do. */
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
  /** The store (resume, cost accounting) and where the run's HTML and JSON reports go. */
  storePath: string;
  reportDir: string;
  /** Dialogues shown in full in the report (default 100). */
  reportCases?: number;
  prices?: PriceTable;
  /** Dialogues built at once (default 8). */
  concurrency?: number;
  cache?: boolean;
  /** Try again the samples that failed in an earlier session of this build. */
  retryFailed?: boolean;
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
  /** The run's HTML and JSON reports. */
  reportHtml: string;
  reportJson: string;
}

/** Checks a build's options and plans its samples (making their images). */
export async function planSafemtBuild(options: SafemtBuildOptions): Promise<SafemtBuildPlan> {
  if (options.lengths.some((length) => !Number.isInteger(length) || length < 1))
    throw new InputError("lengths must be whole numbers of user turns, 1 or more", "lengths");
  if (options.methods.length === 0) throw new InputError("name at least one method", "methods");
  return {
    seedsIdentity: options.seedsIdentity,
    samples: await planSamples(options),
    outDir: options.outDir,
    lengths: [...new Set(options.lengths)].filter((length) => length > 1).sort((a, b) => a - b),
    methods: options.methods,
    assignment: options.assignment ?? "rotate",
    attacker: options.attacker,
    vision: options.attackerVision ?? options.attacker.capabilities.vision,
    retries: options.retries ?? 2,
    idPrefix: options.idPrefix ?? "built",
    imageStyle: options.imageStyle ?? "text",
    concurrency: options.concurrency ?? 8,
    retryErrored: options.retryFailed,
    storePath: options.storePath,
    reportDir: options.reportDir,
    reportCases: options.reportCases ?? 100,
    endpointConcurrency: 8,
    cache: options.cache ?? true,
    prices: options.prices ?? new PriceTable(),
  };
}

/**
 * Builds SafeMT-format dialogues from seeds: for each sample and length the attacker writes
 * the user and assistant turns as JSON, which is validated and, when rejected, retried with
 * the reasons fed back. It is a benchmark run (`runBenchmark`): calls go through the engine
 * (role `attacker`), so rerunning the same build resumes where it stopped, under the run's
 * lease, and it is reported like any run. Failures are listed in build-report.json, never dropped.
 */
export async function buildSafemt(
  options: SafemtBuildOptions,
  hooks: RunSessionHooks = {},
): Promise<SafemtBuildOutcome> {
  const plan = await planSafemtBuild(options);
  const outcome = await runBenchmark(safemtBuildBenchmark, plan, hooks);
  const store = new SqliteStore(plan.storePath);
  try {
    const collected = collectBuild(plan, store, outcome.run.id);
    return {
      runId: outcome.run.id,
      resumed: outcome.resumed,
      interrupted: outcome.interrupted,
      samples: plan.samples.length,
      failures: collected.failures,
      pending: collected.pending,
      files: outcome.interrupted ? [] : builtFiles(plan, collected),
      reportFile: outcome.interrupted ? null : path.join(plan.outDir, "build-report.json"),
      reportHtml: outcome.reportHtml,
      reportJson: outcome.reportJson,
    };
  } finally {
    store.close();
  }
}
