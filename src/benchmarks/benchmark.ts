import type { Target } from "../contracts/index.ts";
import type { CallExecutor } from "../engine/call-executor.ts";
import type { PriceTable } from "../engine/pricing.ts";
import type { RetryPolicy } from "../engine/retry-policy.ts";
import type { RunProgress } from "../engine/run-cases.ts";
import type { RunSessionHooks } from "../engine/run-session.ts";
import type { RunRecord, Store } from "../engine/store.ts";
import type { ExportUnits } from "../reports/export-rows.ts";
import type { ReportData } from "../reports/report-data.ts";
import type { ScorerDeclaration } from "./scorer-declaration.ts";

/** How much of a run a report shows, and where its images are. */
export interface ReportOptions {
  /** Cases shown in full. */
  maxCases: number;
  imageBaseDir?: string;
  /** Metadata keys rates are broken down by (benchmarks that support it). */
  breakdown?: string[];
}

/** Builds a stored run's report. */
export type ReportBuilder = (store: Store, runId: string, options: ReportOptions) => Promise<ReportData>;

/**
 * What reads a benchmark's stored runs: its report and export rows. Runs are matched to it by
 * `name`, the recipe stored with each run, so a store keeps reporting after the code moves.
 */
export interface StoredBenchmark {
  /** The recipe name stored on every run of this benchmark (never rename: old stores use it). */
  readonly name: string;
  /** The run's report (sections, tables, charts) from what the store holds. */
  report: ReportBuilder;
  /** How a stored case becomes export rows (one per target, arm or moderator). */
  exportRows(run: Pick<RunRecord, "config">): ExportUnits;
  /**
   * The run's scorers and the metrics each declares (Inspect's `@scorer(metrics=[...])`), from
   * the configuration stored with it: the CI gate (`--fail-on`) accepts exactly these, and the
   * report's figures and headline cards are these. A plan's are `scorers({ config })` with the
   * config `describe(plan)` stores. Most benchmarks return a fixed list.
   */
  scorers(run: Pick<RunRecord, "config">): ScorerDeclaration[];
}

/** Where a run is stored and reported, and how its calls are made; every benchmark's plan has these. */
export interface BenchmarkRunSettings {
  storePath: string;
  reportDir: string;
  /** Default concurrent requests per endpoint (default 8). */
  endpointConcurrency?: number;
  cache: boolean;
  retry?: Partial<RetryPolicy>;
  prices: PriceTable;
}

/** What a benchmark plays its cases with: the open store, the run and its call executor. */
export interface PlaySession {
  store: Store;
  runId: string;
  executor: CallExecutor;
}

/**
 * A benchmark, in the spirit of Inspect's Task: from a resolved plan, what identifies a run,
 * how its cases are played (source, driver, scorers storing their score rows) and how it is
 * reported and exported. `runBenchmark` (run-benchmark.ts) does the rest for every benchmark:
 * run id, session, lease, resume, reports.
 */
export interface Benchmark<Plan extends BenchmarkRunSettings = BenchmarkRunSettings> extends StoredBenchmark {
  /** The run's name (first part of its id), the configuration stored with it and the models it calls. */
  describe(plan: Plan): { name: string; config: unknown; models: readonly Target[] };
  /** Everything that determines the results; hashed into the run id. */
  identity(plan: Plan): unknown;
  /** Plays the run's cases (typically through runCases); throws CancelledError when interrupted. */
  play(plan: Plan, session: PlaySession, hooks: RunSessionHooks): Promise<RunProgress | undefined>;
  /** The report options a run of this plan is reported with. */
  reportOptions(plan: Plan): ReportOptions;
  /**
   * Optional: writes what the run produces besides its reports (SafeMT build: its data files),
   * after playing and before the reports; the run is marked completed only once it succeeded.
   */
  finish?(plan: Plan, session: { store: Store; runId: string; interrupted: boolean }): Promise<void>;
}
