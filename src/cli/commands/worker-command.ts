import type { Command } from "commander";
import { runCaseWorker, type WorkerStats } from "../../benchmarks/distributed/case-worker.ts";
import { CaseQueue } from "../../engine/distributed/case-queue.ts";
import {
  isPostgresUrl,
  openStore,
  POSTGRES_COMMIT_INTERVAL_MS,
  storeLabel,
} from "../../engine/open-store.ts";
import { PgEndpointSlots } from "../../engine/postgres/endpoint-slots.ts";
import { InputError } from "../../errors.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { positiveInteger } from "./run-command.ts";
import { resolveStorePath } from "./store-option.ts";

interface WorkerFlags {
  store?: string;
  concurrency: string;
  once?: boolean;
  caseExpiry?: string;
  json?: boolean;
  quiet?: boolean;
}

/** How often a worker prints its counts (ms). */
const STATUS_EVERY_MS = 5000;

/** `turnsafe worker`: plays cases of distributed runs (`run --distributed`) from the store's job queue. */
export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description(
      "Play cases of distributed runs (turnsafe run --distributed) from a PostgreSQL store's queue",
    )
    .option("--store <url>", "postgres:// store holding the runs and their job queue")
    .option("--concurrency <n>", "cases played at once", "16")
    .option("--once", "stop once no case is waiting (default: keep waiting for new runs)")
    .option("--case-expiry <s>", "seconds before an unfinished case is handed out again (as given to run)")
    .option("--json", "print one JSON object with the counts on stdout")
    .option("--quiet", "no status lines on stderr")
    .action(async (flags: WorkerFlags) => {
      const output = createOutput(flags);
      const location = resolveStorePath(flags.store);
      if (!isPostgresUrl(location))
        throw new InputError("workers need a PostgreSQL store (postgres://…)", "--store");
      const concurrency = positiveInteger(flags.concurrency, "--concurrency");
      const expirySeconds = flags.caseExpiry ? positiveInteger(flags.caseExpiry, "--case-expiry") : undefined;
      const label = storeLabel(location);
      const interrupt = onInterrupt(output.note);
      const store = openStore(location, { commitIntervalMs: POSTGRES_COMMIT_INTERVAL_MS });
      let queue: CaseQueue | undefined;
      let slots: PgEndpointSlots | undefined;
      let shownAt = Date.now();
      const show = (stats: WorkerStats) =>
        `worker ${process.pid}: ${stats.done} done, ${stats.errored} errored, ${stats.skipped} already finished, ${stats.inFlight} in flight (${stats.runs} run(s))`;
      try {
        queue = await CaseQueue.open(location, label, { expirySeconds });
        slots = await PgEndpointSlots.open(location, label);
        output.note(`worker ${process.pid}: taking cases from ${label} (${concurrency} at once)`);
        const stats = await runCaseWorker({
          store,
          queue,
          slots,
          concurrency,
          env: process.env,
          once: flags.once,
          signal: interrupt.signal,
          onCase: (current) => {
            if (Date.now() - shownAt < STATUS_EVERY_MS) return;
            shownAt = Date.now();
            output.note(show(current));
          },
        });
        const cpu = process.cpuUsage();
        output.result({ pid: process.pid, ...stats, cpuSeconds: (cpu.user + cpu.system) / 1e6 }, show(stats));
      } finally {
        interrupt.dispose();
        await slots?.close();
        await queue?.close();
        store.close();
      }
    });
}
