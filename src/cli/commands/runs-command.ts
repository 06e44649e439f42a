import type { Command } from "commander";
import { leaseIsLive } from "../../engine/run-lease.ts";
import type { Store } from "../../engine/store.ts";
import { createOutput } from "../output.ts";
import { openExistingStore } from "./store-option.ts";

/** `turnsafe runs`: lists the runs in a store. */
export function registerRunsCommand(program: Command): void {
  program
    .command("runs")
    .description("List runs in the store, newest first")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL", undefined)
    .option("--json", "print one JSON object on stdout")
    .action((flags: { store?: string; json?: boolean }) => {
      const output = createOutput(flags);
      const store = openExistingStore(flags.store);
      try {
        const runs = store.listRuns().map((run) => ({
          id: run.id,
          name: run.name,
          recipe: run.recipe,
          status: run.status,
          simulator: run.simulator,
          createdAt: run.createdAt,
          updatedAt: run.updatedAt,
          cases: store.countCases(run.id),
          costUsd: store.usage(run.id).reduce((sum, row) => sum + row.costUsd, 0),
          playedBy: run.status === "running" ? playedBy(store, run.id) : null,
        }));
        const lines = runs.map(
          (run) =>
            `${run.id}  ${run.status.padEnd(11)} ${run.recipe.padEnd(9)} ${String(run.cases.done).padStart(6)} done ${String(run.cases.errored).padStart(5)} errored ${String(run.cases.pending).padStart(6)} pending  $${run.costUsd.toFixed(4)}  ${run.updatedAt}${run.simulator ? "  [simulator]" : ""}${run.status !== "running" ? "" : run.playedBy ? `  played by pid ${run.playedBy.pid} on ${run.playedBy.host}` : "  (no live command: rerun to resume)"}`,
        );
        if (!output.json) output.note(`store: ${store.file}`);
        output.result({ store: store.file, runs }, runs.length ? lines.join("\n") : "no runs yet");
      } finally {
        store.close();
      }
    });
}

/** The live command playing a run, if any (a "running" run without one was killed). */
function playedBy(store: Store, runId: string): { pid: number; host: string; since: string } | null {
  const lease = store.getRunLease(runId);
  if (!lease || !leaseIsLive(lease)) return null;
  return { pid: lease.owner.pid, host: lease.owner.host, since: lease.acquiredAt };
}
