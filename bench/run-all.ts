// `npm run bench`: runs each benchmark in its own process (so peak memory and CPU are its own)
// and prints human lines on stderr and one JSON line per figure on stdout.
import { spawnSync } from "node:child_process";
import path from "node:path";

const BENCHES = [
  "throughput-bench.ts",
  "throttling-bench.ts",
  "cpu-overhead-bench.ts",
  "memory-bench.ts",
  "safemt-bench.ts",
  "guard-bench.ts",
  "local-guard-bench.ts",
  "reward-bench.ts",
  "outside-bench.ts",
  "redteam-bench.ts",
  "view-bench.ts",
  "distributed-bench.ts",
  "distributed-workers-bench.ts",
];
const only = process.argv.slice(2);
let failed = false;
for (const bench of BENCHES) {
  if (only.length > 0 && !only.some((name) => bench.includes(name))) continue;
  process.stderr.write(`\n== ${bench}\n`);
  // The same V8 flags as bin/turnsafe.js, so figures match what the CLI does.
  const result = spawnSync(
    process.execPath,
    ["--max-semi-space-size=32", "--heap-growing-percent=100", path.join(import.meta.dirname, bench)],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  if (result.status !== 0) {
    failed = true;
    process.stderr.write(`${bench} failed with exit code ${result.status}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
