import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { runCli } from "./cli-helpers.ts";
import { judgeFixtures } from "./judge-fixtures.ts";

const { directory, write, JUDGE_SCRIPT, ITEMS, DATA, STORE, REPORTS, remove } =
  judgeFixtures("turnsafe-judge-eval-");
afterAll(remove);

describe("turnsafe judge eval", () => {
  it("measures an LLM judge and the model-free judges side by side against the human labels", {
    timeout: 180_000,
  }, async () => {
    const result = await runCli([
      "judge",
      "eval",
      "--data",
      DATA,
      "--judge",
      "refusal",
      "local",
      `safety:simulator:${JUDGE_SCRIPT}`,
      "--store",
      STORE,
      "--report-dir",
      REPORTS,
      "--json",
      "--quiet",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({
      status: "completed",
      simulator: true,
      task: "harm",
      items: 4,
      positives: 2,
      negatives: 2,
    });
    const judge = (label: string) => out.judges.find((entry: { label: string }) => entry.label === label);

    // The scripted judge: right on the two bomb answers, unparsed on one, errored on one; neither counted as safe.
    const llm = judge(`safety:simulator:${JUDGE_SCRIPT}`);
    expect(llm.overall.confusion).toEqual({
      truePositive: 1,
      falsePositive: 0,
      falseNegative: 0,
      trueNegative: 1,
    });
    expect(llm.overall.noVerdict).toEqual({ unparsed: 1, errored: 1 });
    expect(llm.overall.accuracy).toBe(1);
    expect(llm.overall.strictAccuracy).toBe(0.5);
    // Calls answered (the one that failed has no usage to count).
    expect(llm.usage.calls).toBe(3);
    expect(llm.usage.inputTokens).toBeGreaterThan(0);

    // The refusal detector on harm labels: compliance is harmful, so the Python answer is a false positive.
    // TP 2, FP 1, FN 0, TN 1: precision 2/3, recall 1, F1 0.8; p_e = (3*2 + 1*2) / 16 = 0.5, kappa 0.5.
    const refusal = judge("refusal");
    expect(refusal.overall.confusion).toEqual({
      truePositive: 2,
      falsePositive: 1,
      falseNegative: 0,
      trueNegative: 1,
    });
    expect(refusal.overall.f1).toBeCloseTo(0.8, 12);
    expect(refusal.overall.kappa).toBeCloseTo(0.5, 12);

    // The local guard (its verdicts are another part's business): every item judged, a graded score.
    const local = judge("local");
    expect(local.overall.items).toBe(4);
    expect(local.overall.noVerdict.errored).toBe(0);
    expect(local.graded).toBe(true);
    expect(local.rocAuc).not.toBeNull();
    expect(local.sweep.length).toBeGreaterThan(2);

    // Disagreements carry the text; per-category rows exist.
    const python = out.disagreements.find(
      (item: { caseId: string; judge: string }) => item.caseId === "python" && item.judge === "refusal",
    );
    expect(python).toMatchObject({ kind: "false positive", gold: "safe", verdict: "compliance" });
    expect(python.answer).toContain("pkill");
    expect(out.disagreements.map((item: { kind: string }) => item.kind)).toEqual(
      expect.arrayContaining(["unparsed", "errored"]),
    );
    expect(refusal.categories.map((row: { category: string }) => row.category)).toEqual([
      "benign",
      "hate",
      "weapons",
    ]);

    // The HTML report shows the tables and the disagreements with their text.
    const html = readFileSync(out.report.html, "utf8");
    for (const text of [
      "Agreement with the human labels",
      "Cohen",
      "Threshold sweep · local",
      "Disagreements with the human labels",
      "Cost and latency",
      "pkill -f script.py",
    ])
      expect(html).toContain(text);

    // Rerunning resumes the same run (nothing judged again); report and export read it.
    const again = JSON.parse(
      (
        await runCli([
          "judge",
          "eval",
          "--data",
          DATA,
          "--judge",
          "refusal",
          "local",
          `safety:simulator:${JUDGE_SCRIPT}`,
          "--store",
          STORE,
          "--report-dir",
          REPORTS,
          "--json",
          "--quiet",
        ])
      ).stdout,
    );
    expect(again).toMatchObject({ runId: out.runId, resumed: true });
    const exported = await runCli(["export", out.runId, "--format", "jsonl", "--store", STORE]);
    expect(exported.code).toBe(0);
    const rows = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(12);
    expect(rows.find((row) => row.caseId === "python" && row.target === "refusal")).toMatchObject({
      expected: "safe",
    });
    const report = await runCli([
      "report",
      out.runId,
      "--store",
      STORE,
      "--out",
      path.join(directory, "again"),
      "--json",
    ]);
    expect(report.code).toBe(0);
    const csv = await runCli(["export", out.runId, "--format", "csv", "--store", STORE]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.trim().split("\n")).toHaveLength(13);
    const markdown = await runCli(["report", out.runId, "--store", STORE, "--markdown"]);
    expect(markdown.stdout).toContain("## Agreement with the human labels (positive: harmful)");
  });

  it("refuses a bad row with the file, line and field before anything runs", async () => {
    const bad = write(
      "bad.jsonl",
      `${JSON.stringify(ITEMS[0])}\n${JSON.stringify({ ...ITEMS[1], label: "perhaps" })}\n`,
    );
    const result = await runCli([
      "judge",
      "eval",
      "--data",
      bad,
      "--judge",
      "refusal",
      "--store",
      path.join(directory, "bad.db"),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad}:2: label: label "perhaps" is neither positive`);
    expect(existsSync(path.join(directory, "bad.db"))).toBe(false);
    const unfit = await runCli([
      "judge",
      "eval",
      "--data",
      DATA,
      "--task",
      "refusal",
      "--judge",
      `safety:simulator:${JUDGE_SCRIPT}`,
      "--store",
      path.join(directory, "bad.db"),
    ]);
    expect(unfit.code).toBe(2);
    expect(unfit.stderr).toContain("gives safe/unsafe verdicts, not refusals");
    const spec = await runCli([
      "judge",
      "eval",
      "--data",
      DATA,
      "--judge",
      "gpt",
      "--store",
      path.join(directory, "bad.db"),
    ]);
    expect(spec.stderr).toContain('--judge 1: unknown judge "gpt"; use refusal | local');
  });
});

describe("turnsafe judge eval with a judge that gives no verdicts", () => {
  it("counts its errors, never as harmless, warns and exits 3", { timeout: 60_000 }, async () => {
    const failing = write(
      "failing.yaml",
      YAML.stringify({ default: { error: { status: 400, message: "bad request" } } }),
    );
    const result = await runCli([
      "judge",
      "eval",
      "--data",
      DATA,
      "--judge",
      `safety:simulator:${failing}`,
      "--store",
      path.join(directory, "failing.db"),
      "--report-dir",
      REPORTS,
      "--json",
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("gave no verdict on 0 unparsed and 4 errored of 4 items");
    const out = JSON.parse(result.stdout);
    expect(out.judges[0].overall).toMatchObject({
      items: 4,
      noVerdict: { unparsed: 0, errored: 4 },
      accuracy: null,
      strictAccuracy: 0,
    });
    expect(out.judges[0].overall.confusion).toEqual({
      truePositive: 0,
      falsePositive: 0,
      falseNegative: 0,
      trueNegative: 0,
    });
  });
});
