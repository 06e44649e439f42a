import type { Command } from "commander";
import { resolveStoreLocation } from "../../engine/open-store.ts";
import { migrateStore } from "../../engine/store-migrate.ts";
import { createOutput } from "../output.ts";

/** `turnsafe store migrate --from … --to …`: copies runs between stores (SQLite and PostgreSQL). */
export function registerStoreCommand(program: Command): void {
  const store = program.command("store").description("Manage stores (SQLite files, PostgreSQL databases)");
  store
    .command("migrate")
    .description("Copy runs with their cases, calls, cached answers and scores from one store to another")
    .requiredOption("--from <file|url>", "source store: SQLite file (sqlite:file) or postgres:// URL")
    .requiredOption("--to <file|url>", "destination store, created if needed; rows it already has are kept")
    .option("--run <run...>", "only these runs (id, id prefix or name); default: all")
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no notes on stderr")
    .action((flags: { from: string; to: string; run?: string[]; json?: boolean; quiet?: boolean }) => {
      const output = createOutput(flags);
      const outcome = migrateStore(
        resolveStoreLocation(process.cwd(), flags.from),
        resolveStoreLocation(process.cwd(), flags.to),
        flags.run,
      );
      const counts = Object.entries(outcome.rows)
        .map(([table, count]) => `${count} ${table}`)
        .join(", ");
      output.result(outcome, `copied ${outcome.runs.length} run(s): ${counts}`);
    });
}
