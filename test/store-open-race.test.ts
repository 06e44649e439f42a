import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const STORE_MODULE = JSON.stringify(path.resolve(import.meta.dirname, "../src/engine/sqlite-store.ts"));
const STORES = 20;

/** Fills every store with committed and logged (uncommitted) calls, says "ready", then waits to be killed. */
const WRITER = `import { SqliteStore } from ${STORE_MODULE};
const files = process.argv.slice(1);
const call = (i) => ({ workKey: "w" + i, runId: "r", caseId: "c" + i, role: "target", targetId: "t",
  requestHash: "h" + i, status: "ok", cached: false, attempts: 1, rateLimited: 0, serverErrors: 0, error: null,
  text: "answer ".repeat(300),
  usage: { inputTokens: 10, outputTokens: 20 }, costUsd: 0.001, latencyMs: 5, createdAt: "2026-01-01" });
const stores = files.map((file) => new SqliteStore(file, { commitIntervalMs: 600000, writeLog: true }));
for (const store of stores) {
  store.putRun({ id: "r", name: "r", recipe: "dialogues", status: "running", config: {}, simulator: false,
    createdAt: "2026-01-01", updatedAt: "2026-01-01" });
  for (let i = 0; i < 600; i++) store.putCall(call(i));
  store.flush();
  for (let i = 600; i < 800; i++) store.putCall(call(i));
}
process.stdout.write("ready\\n");
setInterval(() => {}, 1000);`;

/** Opens a store at an agreed moment (so two openers race), reads it and reports what it saw. */
const OPENER = `import { SqliteStore } from ${STORE_MODULE};
const [file, startAt] = process.argv.slice(1);
while (Date.now() < Number(startAt)) {}
try {
  const store = new SqliteStore(file);
  const calls = store.usage("r").reduce((sum, row) => sum + row.calls, 0);
  store.close();
  process.stdout.write(String(calls));
} catch (error) {
  process.stderr.write(error.message);
  process.exit(1);
}`;

function node(code: string, args: string[]) {
  const child = spawn(process.execPath, ["--no-warnings", "--input-type=module", "-e", code, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited, stdout: () => stdout };
}

describe("opening a store left by a killed writer", () => {
  it("never fails with 'database is locked' when two processes open it at once (20 pairs)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-open-race-"));
    const files = Array.from({ length: STORES }, (_, index) => path.join(dir, `store-${index}.db`));
    const writer = node(WRITER, files);
    while (!writer.stdout().includes("ready") && writer.child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 10));
    writer.child.kill("SIGKILL");
    const killed = await writer.exited;
    expect(killed.code, killed.stderr).toBe(null);

    const failures: string[] = [];
    const seen: string[] = [];
    // Four pairs at a time keeps the test short on a small machine.
    for (let first = 0; first < STORES; first += 4) {
      const pairs = files.slice(first, first + 4).map((file) => {
        const startAt = String(Date.now() + 400);
        return [node(OPENER, [file, startAt]), node(OPENER, [file, startAt])];
      });
      for (const opener of pairs.flat()) {
        const result = await opener.exited;
        if (result.code !== 0) failures.push(result.stderr);
        else seen.push(result.stdout);
      }
    }
    expect(failures).toEqual([]);
    // Every opener saw the committed calls and those replayed from the killed writer's log.
    expect(seen).toEqual(Array(STORES * 2).fill("800"));
  });
});
