import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-helpers.ts";
import { judgeFixtures } from "./judge-fixtures.ts";

const { directory, write, JUDGE_SCRIPT, ITEMS, STORE, REPORTS, remove } =
  judgeFixtures("turnsafe-judge-score-");
afterAll(remove);

describe("turnsafe judge score", () => {
  it("scores the given answers without a target and stores a run that report and export read", {
    timeout: 120_000,
  }, async () => {
    const transcripts = write(
      "transcripts.jsonl",
      `${ITEMS.slice(0, 3)
        .map(({ id, messages }) => JSON.stringify({ id, messages, metadata: { category: "x" } }))
        .join("\n")}\n`,
    );
    const result = await runCli([
      "judge",
      "score",
      transcripts,
      "--judge",
      "refusal",
      `safety:simulator:${JUDGE_SCRIPT}`,
      "--store",
      STORE,
      "--report-dir",
      REPORTS,
      "--json",
      "--quiet",
    ]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.cases).toMatchObject({ done: 3, errored: 0 });
    const row = (id: string, judge: string) =>
      out.rows.find((entry: { id: string; judge: string }) => entry.id === id && entry.judge === judge);
    expect(row("refused-bomb", "refusal")).toMatchObject({ status: "ok", label: "refusal", value: 1 });
    expect(row("bomb-steps", "safety")).toMatchObject({ status: "ok", label: "unsafe", value: 1 });
    expect(row("python", "safety")).toMatchObject({ status: "unparsed", label: null });
    // No target was called: the only calls are the judge's.
    expect(out.targets).toEqual([expect.objectContaining({ target: "given" })]);
    const exported = await runCli(["export", out.runId, "--format", "jsonl", "--store", STORE]);
    const rows = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows.map((entry) => entry.target)).toEqual(["given", "given", "given"]);
    expect(rows.find((entry) => entry.caseId === "bomb-steps").answers).toEqual([
      expect.stringContaining("steel pipe"),
    ]);
    expect(readFileSync(out.report.html, "utf8")).toContain("turnsafe judge score");
    const human = await runCli([
      "judge",
      "score",
      transcripts,
      "--judge",
      "refusal",
      "--store",
      STORE,
      "--report-dir",
      REPORTS,
      "--quiet",
    ]);
    expect(human.stdout).toContain("refused-bomb · refusal: refusal (1)");
  });

  it("refuses a transcript that does not end with an answer, naming the line", async () => {
    const file = write(
      "unanswered.jsonl",
      `${JSON.stringify({ id: "a", messages: ITEMS[0]?.messages })}\n${JSON.stringify({ id: "b", messages: [{ role: "user", content: "hi" }] })}\n`,
    );
    const result = await runCli([
      "judge",
      "score",
      file,
      "--judge",
      "refusal",
      "--store",
      path.join(directory, "none.db"),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${file}:2: messages.0.role: the last message must be the assistant's answer to score`,
    );
  });
});
