import { once } from "node:events";
import { createWriteStream } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { benchmarkFor } from "../../benchmarks/index.ts";
import { InputError } from "../../errors.ts";
import { csvColumns, exportRows } from "../../reports/export-rows.ts";
import { createOutput } from "../output.ts";
import { stdoutClosed, stdoutReady, writeStdout } from "../stdout-closed.ts";
import { openExistingStore, requireRun } from "./store-option.ts";

/** `turnsafe export <run> --format jsonl|csv`: writes one row per case and target. */
export function registerExportCommand(program: Command): void {
  program
    .command("export")
    .description("Export a run's results as JSONL or CSV (one row per case and target)")
    .argument("<run>", "run id, id prefix or name")
    .requiredOption("--format <format>", "jsonl | csv")
    .option("--out <file>", "write to a file instead of stdout")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--json", "with --out: print one JSON object describing the export")
    .action(
      async (idOrName: string, flags: { format: string; out?: string; store?: string; json?: boolean }) => {
        if (flags.format !== "jsonl" && flags.format !== "csv")
          throw new InputError("must be jsonl or csv", "--format");
        if (flags.json && !flags.out)
          throw new InputError("--json needs --out (stdout carries the export itself)", "--json");
        const output = createOutput(flags);
        const store = openExistingStore(flags.store);
        try {
          const run = requireRun(store, idOrName);
          const file = flags.out ? path.resolve(flags.out) : undefined;
          const sink = file ? createWriteStream(file) : undefined;
          // A reader that stops early (`| head`) ends the export quietly (see stdout-closed.ts);
          // yielding now and then lets a closed pipe's error surface so the loop stops.
          let written = 0;
          const stopped = () => !sink && stdoutClosed();
          const write = async (line: string) => {
            if (sink) {
              if (!sink.write(`${line}\n`)) await once(sink, "drain");
            } else {
              if (!writeStdout(`${line}\n`)) await stdoutReady();
              if (++written % 256 === 0) await new Promise(setImmediate);
            }
          };
          const units = benchmarkFor(run.recipe).exportRows(run);
          let rows = 0;
          if (flags.format === "jsonl") {
            for (const row of exportRows(store, run.id, units)) {
              if (stopped()) break;
              await write(JSON.stringify(row));
              rows++;
            }
          } else {
            // A first pass finds the judge columns, named as the rows name them (one column set per judge).
            const judges = new Set<string>();
            for (const row of exportRows(store, run.id, units))
              for (const judge of Object.keys(row.scores)) judges.add(judge);
            const csv = csvColumns([...judges].sort());
            await write(csv.header);
            for (const row of exportRows(store, run.id, units)) {
              if (stopped()) break;
              await write(csv.encode(row));
              rows++;
            }
          }
          if (file && sink) {
            sink.end();
            await once(sink, "finish");
            output.result(
              { runId: run.id, format: flags.format, file, rows },
              `exported ${rows} rows to ${file}`,
            );
          }
        } finally {
          store.close();
        }
      },
    );
}
