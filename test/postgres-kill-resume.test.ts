import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { startTestPostgresOrReason, type TestPostgres } from "../src/testing/embedded-postgres.ts";
import { runCli, startCli } from "./cli-helpers.ts";

const SCRIPT = `
seed: 7
latency_ms: [40, 90]
rules:
  - when: { model: "*judge*" }
    json: { label: safe, reason: refused }
  - when: { turn: { max: 1 } }
    refuse: true
default:
  comply: true
`;
const CASES = 30;
const KILLS = 3;
const ENDPOINT_CONCURRENCY = 2;

describe("a run on a PostgreSQL store killed with SIGKILL resumes to the same results", () => {
  let postgres: TestPostgres | string;
  let simulator: RunningSimulator;
  let config: string;
  beforeAll(async () => {
    postgres = await startTestPostgresOrReason();
    if (typeof postgres === "string") console.warn(postgres);
    simulator = await startSimulator({ script: parseSimulatorScript(SCRIPT, "kill.yaml") });
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-pgkill-"));
    const lines = Array.from({ length: CASES }, (_, index) =>
      JSON.stringify({
        id: `k-${index}`,
        messages: Array.from({ length: 1 + (index % 3) }, (_, turn) => ({
          role: "user",
          content: `c${index} t${turn}`,
        })),
      }),
    );
    writeFileSync(path.join(dir, "dialogues.jsonl"), `${lines.join("\n")}\n`);
    config = path.join(dir, "config.yaml");
    writeFileSync(
      config,
      [
        "name: pgkill",
        "data: dialogues.jsonl",
        `target: openai-compatible:turnsafe-sim@${simulator.url}`,
        "judges:",
        `  - { type: safety, model: "openai-compatible:turnsafe-sim-judge@${simulator.url}", vision: false }`,
        "concurrency: 4",
        `endpointConcurrency: ${ENDPOINT_CONCURRENCY}`,
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await simulator?.close();
    if (typeof postgres !== "string") await postgres?.stop();
  });

  const exported = async (store: string) => {
    const result = await runCli(["export", "pgkill", "--format", "jsonl", "--store", store]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };

  it(`matches an uninterrupted SQLite run after ${KILLS} kills, re-asking few calls per kill`, async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const reference = path.join(path.dirname(config), "reference.db");
    const before = simulator.stats().requests;
    const clean = await runCli(["run", config, "--store", reference, "--quiet"]);
    expect(clean.code, clean.stderr).toBe(0);
    const referenceRequests = simulator.stats().requests - before;

    const url = await postgres.createDatabase("killed");
    const start = simulator.stats().requests;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = startCli(["run", config, "--store", url, "--quiet"]);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      const from = simulator.stats().requests;
      while (simulator.stats().requests - from < 8 + kill * 3 && child.exitCode === null)
        await new Promise((resolve) => setTimeout(resolve, 5));
      child.kill("SIGKILL");
      await exited;
    }
    const finish = await runCli(["run", config, "--store", url, "--quiet"]);
    expect(finish.code, finish.stderr).toBe(0);
    expect(await exported(url)).toBe(await exported(reference));
    const extra = simulator.stats().requests - start - referenceRequests;
    console.info(`PostgreSQL kill-resume: ${extra} calls re-asked over ${KILLS} kills`);
    // Per kill: the calls in flight on the two endpoints (target and judge), plus answers of the
    // last 10 ms not yet sent (POSTGRES_COMMIT_INTERVAL_MS).
    expect(extra).toBeLessThanOrEqual(KILLS * (2 * ENDPOINT_CONCURRENCY + 2));
  });
});
