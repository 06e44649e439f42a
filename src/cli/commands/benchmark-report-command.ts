import path from "node:path";
import type { Command } from "commander";
import type { StoredBenchmark } from "../../benchmarks/benchmark.ts";
import { writeBenchmarkReports } from "../../benchmarks/run-benchmark.ts";
import { InputError } from "../../errors.ts";
import { createOutput } from "../output.ts";
import { DEFAULT_REPORT_DIR, openExistingStore, requireRun } from "./store-option.ts";

/** How a benchmark's `report` subcommand names and checks what it shows in full. */
export interface BenchmarkReportCommand {
  /** e.g. `an MTMCS run's`. */
  whose: string;
  /** e.g. `dialogues shown in full`. */
  casesHelp: string;
  /** Reads `--cases` (throws an InputError naming the flag). */
  cases(value: string, flag: string): number;
}

/**
 * `<benchmark> report <run>`: re-renders one benchmark's reports from the store, refusing a run of
 * another benchmark.
 */
export function registerBenchmarkReport(
  parent: Command,
  benchmark: StoredBenchmark,
  options: BenchmarkReportCommand,
): void {
  parent
    .command("report")
    .description(`Re-render ${options.whose} HTML and JSON reports from the store`)
    .argument("<run>", "run id, id prefix or name")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--out <dir>", "folder for the reports", DEFAULT_REPORT_DIR)
    .option("--cases <n>", options.casesHelp, "200")
    .option("--json", "print one JSON object on stdout")
    .action(
      async (idOrName: string, flags: { store?: string; out: string; cases: string; json?: boolean }) => {
        const output = createOutput(flags);
        const store = openExistingStore(flags.store);
        try {
          const run = requireRun(store, idOrName);
          if (run.recipe !== benchmark.name)
            throw new InputError(`run ${run.id} is a ${run.recipe} run, not ${benchmark.name}`, "run");
          const paths = await writeBenchmarkReports(benchmark, store, run.id, path.resolve(flags.out), {
            maxCases: options.cases(flags.cases, "--cases"),
          });
          output.result(
            { runId: run.id, report: { html: paths.reportHtml, json: paths.reportJson } },
            `report: ${paths.reportHtml}`,
          );
        } finally {
          store.close();
        }
      },
    );
}
