import { runIdFor } from "../engine/run-id.ts";
import { executeRunSession, type RunSessionHooks, type RunSessionOutcome } from "../engine/run-session.ts";
import type { RunStatus, Store } from "../engine/store.ts";
import { targetHints } from "../engine/target-hints.ts";
import { writeReportFiles } from "../reports/write-report-files.ts";
import type { Benchmark, BenchmarkRunSettings, ReportOptions, StoredBenchmark } from "./benchmark.ts";

/** The id of the run a plan makes: rerunning the same plan resumes it. */
export function benchmarkRunId<Plan extends BenchmarkRunSettings>(
  benchmark: Benchmark<Plan>,
  plan: Plan,
): string {
  return runIdFor(benchmark.describe(plan).name, benchmark.identity(plan));
}

/**
 * Plays a benchmark's run end to end: registers (or resumes) it under its lease, plays its
 * cases with one call executor, runs its `finish` step and writes its reports (also after an
 * interruption) and records how it ended. The same for every benchmark.
 */
export function runBenchmark<Plan extends BenchmarkRunSettings>(
  benchmark: Benchmark<Plan>,
  plan: Plan,
  hooks: RunSessionHooks = {},
): Promise<RunSessionOutcome> {
  const described = benchmark.describe(plan);
  return executeRunSession(
    {
      storePath: plan.storePath,
      run: {
        id: runIdFor(described.name, benchmark.identity(plan)),
        name: described.name,
        recipe: benchmark.name,
        config: described.config,
        simulator: described.models.some((target) => targetHints(target).isSimulator),
      },
      executor: {
        prices: plan.prices,
        retry: plan.retry,
        cache: plan.cache,
        endpointConcurrency: plan.endpointConcurrency ?? 8,
      },
      play: (session) => benchmark.play(plan, session, hooks),
      writeReports: async (store, runId, status) => {
        await benchmark.finish?.(plan, { store, runId, interrupted: status === "interrupted" });
        return writeBenchmarkReports(
          benchmark,
          store,
          runId,
          plan.reportDir,
          benchmark.reportOptions(plan),
          status,
        );
      },
    },
    hooks,
  );
}

/** Renders a stored run's HTML and JSON reports into `reportDir`; returns their paths. */
export async function writeBenchmarkReports(
  benchmark: StoredBenchmark,
  store: Store,
  runId: string,
  reportDir: string,
  options: ReportOptions,
  /** The status the run ends with when the store does not hold it yet (see RunSessionSpec.writeReports). */
  runStatus?: RunStatus,
): Promise<{ reportHtml: string; reportJson: string }> {
  return writeReportFiles(reportDir, runId, await benchmark.report(store, runId, options), runStatus);
}
