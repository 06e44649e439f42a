import path from "node:path";
import type { Command } from "commander";
import { benchmarkFor } from "../../benchmarks/index.ts";
import { writeBenchmarkReports } from "../../benchmarks/run-benchmark.ts";
import { InputError } from "../../errors.ts";
import { checkBreakdownKeys } from "../../reports/breakdown-table.ts";
import { renderMarkdownReport } from "../../reports/markdown-report.ts";
import { createOutput } from "../output.ts";
import { DEFAULT_REPORT_DIR, openExistingStore, requireRun } from "./store-option.ts";

/** `turnsafe report <run>`: re-renders a run's HTML and JSON reports (or prints Markdown). */
export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description("Re-render a run's reports from the store")
    .argument("<run>", "run id, id prefix or name")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--out <dir>", "folder for the HTML and JSON reports", DEFAULT_REPORT_DIR)
    .option("--markdown", "print a Markdown summary on stdout instead")
    .option("--cases <n>", "cases shown in full", "300")
    .option(
      "--breakdown <key...>",
      "metadata keys to break rates down by (default: the run's, else category)",
    )
    .option("--json", "print one JSON object on stdout")
    .action(
      async (
        idOrName: string,
        flags: {
          store?: string;
          out: string;
          markdown?: boolean;
          cases: string;
          json?: boolean;
          breakdown?: string[];
        },
      ) => {
        const output = createOutput(flags);
        const store = openExistingStore(flags.store);
        try {
          const run = requireRun(store, idOrName);
          const maxCases = Number(flags.cases);
          if (!Number.isInteger(maxCases) || maxCases < 0)
            throw new InputError("must be a whole number", "--cases");
          const config = run.config as { resolved?: { imageBaseDir?: string }; breakdown?: unknown } | null;
          const imageBaseDir = config?.resolved?.imageBaseDir;
          // The keys named now, else those the run was configured with, else the default.
          const stored = Array.isArray(config?.breakdown) ? config.breakdown.map(String) : undefined;
          const breakdown = flags.breakdown ? checkBreakdownKeys(flags.breakdown, "--breakdown") : stored;
          const benchmark = benchmarkFor(run.recipe);
          const options = { maxCases, imageBaseDir, breakdown };
          if (flags.markdown) {
            const markdown = renderMarkdownReport(await benchmark.report(store, run.id, options));
            output.result({ runId: run.id, markdown }, markdown);
            return;
          }
          const paths = await writeBenchmarkReports(
            benchmark,
            store,
            run.id,
            path.resolve(flags.out),
            options,
          );
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
