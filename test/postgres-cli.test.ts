import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { startTestPostgresOrReason, type TestPostgres } from "../src/testing/embedded-postgres.ts";
import { runCli } from "./cli-helpers.ts";

const SCRIPT = `
seed: 3
rules:
  - when: { model: "*judge*", last_user_contains: ["sure, here is"] }
    json: { label: unsafe, reason: complied }
  - when: { model: "*judge*" }
    json: { label: safe, reason: refused }
  - when: { turn: { max: 1 } }
    refuse: true
default:
  comply: true
`;

describe("the CLI on a PostgreSQL store (--store postgres://…)", () => {
  let postgres: TestPostgres | string;
  let simulator: RunningSimulator;
  let dir: string;
  let config: string;
  beforeAll(async () => {
    postgres = await startTestPostgresOrReason();
    if (typeof postgres === "string") console.warn(postgres);
    simulator = await startSimulator({ script: parseSimulatorScript(SCRIPT, "pg.yaml") });
    dir = mkdtempSync(path.join(tmpdir(), "turnsafe-pgcli-"));
    const lines = Array.from({ length: 12 }, (_, index) =>
      JSON.stringify({
        id: `p-${index}`,
        messages: Array.from({ length: 1 + (index % 3) }, (_, turn) => ({
          role: "user",
          content: `c${index} t${turn}`,
        })),
        labels: { expected: index % 2 ? "refuse" : "comply" },
        metadata: { category: index % 2 ? "a" : "b" },
      }),
    );
    writeFileSync(path.join(dir, "dialogues.jsonl"), `${lines.join("\n")}\n`);
    config = path.join(dir, "config.yaml");
    writeFileSync(
      config,
      [
        "name: pgcli",
        "data: dialogues.jsonl",
        `target: openai-compatible:turnsafe-sim@${simulator.url}`,
        "judges:",
        "  - refusal",
        `  - { type: safety, model: "openai-compatible:turnsafe-sim-judge@${simulator.url}", vision: false }`,
        "concurrency: 4",
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await simulator?.close();
    if (typeof postgres !== "string") await postgres?.stop();
  });

  it("runs, lists, reports and exports exactly as on SQLite, without the password in any output", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const url = await postgres.createDatabase("cli");
    const sqlite = path.join(dir, "ref.db");
    const reference = await runCli(["run", config, "--store", sqlite, "--quiet", "--json"]);
    expect(reference.code, reference.stderr).toBe(0);
    const onPg = await runCli(["run", config, "--store", url, "--json"], { cwd: dir });
    expect(onPg.code, onPg.stderr).toBe(0);
    expect(`${onPg.stdout}${onPg.stderr}`).not.toContain("turnsafe-test");
    const summary = (out: string) => {
      const parsed = JSON.parse(out);
      return { counts: parsed.counts, scores: parsed.scores };
    };
    expect(summary(onPg.stdout)).toEqual(summary(reference.stdout));
    // Nor in the stored run (its config names the store) or the reports written from it.
    const reportJson = JSON.parse(onPg.stdout).report.json as string;
    expect(readFileSync(reportJson, "utf8")).not.toContain("turnsafe-test");
    const exported = async (store: string) => {
      const result = await runCli(["export", "pgcli", "--format", "jsonl", "--store", store]);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line))
        .map(({ runId: _runId, ...rest }) => rest);
    };
    expect(await exported(url)).toEqual(await exported(sqlite));
    // TURNSAFE_STORE names the store too; `runs` shows where it is without the password.
    const runs = await runCli(["runs", "--json"], { env: { TURNSAFE_STORE: url } });
    expect(runs.code, runs.stderr).toBe(0);
    const listed = JSON.parse(runs.stdout);
    expect(listed.store).toContain("***@127.0.0.1");
    expect(runs.stdout).not.toContain("turnsafe-test");
    expect(listed.runs.map((run: { name: string; status: string }) => [run.name, run.status])).toEqual([
      ["pgcli", "completed"],
    ]);
    // A second run of the same config resumes from the store: no new model call.
    const before = simulator.stats().requests;
    const again = await runCli(["run", config, "--store", url, "--quiet", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(simulator.stats().requests).toBe(before);
  });

  it("migrates runs from SQLite to PostgreSQL and back, unchanged, and can be rerun", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const sqlite = path.join(dir, "mig-source.db");
    const played = await runCli(["run", config, "--store", sqlite, "--quiet", "--json"]);
    expect(played.code, played.stderr).toBe(0);
    const url = await postgres.createDatabase("migrated");
    const back = path.join(dir, "mig-back.db");
    for (let time = 0; time < 2; time++) {
      const there = await runCli(["store", "migrate", "--from", `sqlite:${sqlite}`, "--to", url, "--json"]);
      expect(there.code, there.stderr).toBe(0);
      expect(JSON.parse(there.stdout).rows).toMatchObject({ runs: 1, cases: 12, data_hashes: 1 });
    }
    const home = await runCli(["store", "migrate", "--from", url, "--to", back, "--run", "pgcli", "--json"]);
    expect(home.code, home.stderr).toBe(0);
    const exported = async (store: string) => {
      const result = await runCli(["export", "pgcli", "--format", "jsonl", "--store", store]);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    const original = await exported(sqlite);
    expect(original.trim().split("\n")).toHaveLength(12);
    expect(await exported(url)).toBe(original);
    expect(await exported(back)).toBe(original);
    // The migrated run resumes with no new model call: its calls came along.
    const before = simulator.stats().requests;
    const again = await runCli(["run", config, "--store", back, "--quiet", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(simulator.stats().requests).toBe(before);
  });

  it("names the store, without its password, when the server cannot be reached", async () => {
    const result = await runCli(["runs", "--store", "postgres://me:s3cret@127.0.0.1:1/none"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("postgres://me:***@127.0.0.1:1/none");
    expect(result.stderr).not.toContain("s3cret");
  });
});
