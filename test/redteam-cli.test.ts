import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readMmdsDialogues } from "../src/benchmarks/moderation-eval/mmds-loader.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { runCli } from "./cli-helpers.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "turnsafe-redteam-cli-"));
});

describe("turnsafe redteam", () => {
  it("runs the bundled tasks offline against the simulator, reports and exports MMDS JSONL", async () => {
    const store = path.join(dir, "store.db");
    const run = await runCli([
      "redteam",
      "run",
      "--target",
      "simulator",
      "--method",
      "mcts,linear",
      "--budget",
      "calls=90",
      "--store",
      store,
      "--report-dir",
      path.join(dir, "reports"),
      "--json",
      "--quiet",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout) as {
      runId: string;
      cases: { done: number };
      report: { html: string };
    };
    expect(outcome.cases.done).toBe(12);
    const html = readFileSync(outcome.report.html, "utf8");
    expect(html).toContain("ASR per method and target");
    expect(html).toContain("<h4>Search tree</h4>");
    expect(html).toContain('<ul class="search-tree"');
    expect(html).toContain("data:image/jpeg;base64");

    // Generic export: one row per search, its best path as the transcript, answers as given.
    const rows = await runCli(["export", outcome.runId, "--format", "jsonl", "--store", store]);
    expect(rows.code, rows.stderr).toBe(0);
    const lines = rows.stdout.trim().split("\n");
    expect(lines).toHaveLength(12);
    expect(rows.stdout).not.toContain("[judge:");

    const out = path.join(dir, "export");
    const exported = await runCli([
      "redteam",
      "export",
      outcome.runId,
      "--out",
      out,
      "--min-score",
      "3",
      "--store",
      store,
      "--json",
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const summary = JSON.parse(exported.stdout) as { file: string; dialogues: number; images: number };
    expect(summary.dialogues).toBeGreaterThan(0);
    const dialogues = [];
    for await (const dialogue of readMmdsDialogues(summary.file)) dialogues.push(dialogue);
    expect(dialogues).toHaveLength(summary.dialogues);
    expect(dialogues[0]?.labels.moderation).toMatchObject({ user: { rating: "unsafe" } });
    if (summary.images > 0) expect(existsSync(path.join(out, "images", "1.png"))).toBe(true);
  }, 60_000);

  it("names the file, line and field of a bad task", async () => {
    const tasks = path.join(dir, "tasks.jsonl");
    writeFileSync(
      tasks,
      `${JSON.stringify({ id: "a", goal: "first goal" })}\n${JSON.stringify({ id: "b", gaol: "typo" })}\n`,
    );
    const run = await runCli([
      "redteam",
      "run",
      "--tasks",
      tasks,
      "--target",
      "simulator",
      "--store",
      path.join(dir, "bad.db"),
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("tasks.jsonl:2");
    expect(run.stderr).toMatch(/goal|gaol/);
  }, 30_000);

  it("reads a YAML config", async () => {
    const config = path.join(dir, "redteam.yaml");
    writeFileSync(
      config,
      [
        "name: yaml-run",
        "methods: [crescendo]",
        "targets: [simulator]",
        "budget: { calls: 30 }",
        "max_rounds: 4",
        "",
      ].join("\n"),
    );
    const run = await runCli([
      "redteam",
      "run",
      "--config",
      config,
      "--store",
      path.join(dir, "yaml.db"),
      "--report-dir",
      path.join(dir, "reports"),
      "--json",
      "--quiet",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout) as { runId: string; cases: { done: number } };
    expect(outcome.runId).toMatch(/^yaml-run-/);
    expect(outcome.cases.done).toBe(6);
  }, 60_000);

  it("takes a turnsafe judge as the scorer and an image model from a YAML config; a bad judge entry names its field", async () => {
    const config = path.join(dir, "scorer.yaml");
    const lines = [
      "name: scorer-run",
      "methods: [linear]",
      "targets: [simulator]",
      "budget: { calls: 12 }",
      "image_model: simulator",
      "image_size: 256x256",
    ];
    writeFileSync(
      config,
      [...lines, "judge: { type: regex, name: walkthrough, pattern: walkthrough, label: unsafe }", ""].join(
        "\n",
      ),
    );
    const common = [
      "--store",
      path.join(dir, "scorer.db"),
      "--report-dir",
      path.join(dir, "reports"),
      "--json",
      "--quiet",
    ];
    const run = await runCli(["redteam", "run", "--config", config, ...common]);
    expect(run.code, run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout) as { runId: string; cases: { done: number } };
    expect(outcome.cases.done).toBe(6);
    const store = new SqliteStore(path.join(dir, "scorer.db"));
    expect(store.getRun(outcome.runId)?.config).toMatchObject({
      judge: "walkthrough",
      imageModel: "simulator:turnsafe-sim-image",
    });
    store.close();
    writeFileSync(config, [...lines, "judge: { type: regex, name: walkthrough }", ""].join("\n"));
    const bad = await runCli(["redteam", "run", "--config", config, ...common]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/judge: .*pattern/);
  }, 60_000);
});
