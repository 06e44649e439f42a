import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerMtmcsCommand } from "../src/cli/commands/mtmcs-command.ts";
import type { ReportData } from "../src/reports/report-data.ts";
import { writeMtmcsFixture } from "../src/testing/mtmcs-fixture.ts";

// Two scripted stand-ins (not models): one that misses escalation and complies with everything,
// one that over-refuses everything; a judge keyed on its rubric and on the transcript it reads.
const SCRIPT = `
models: [complier, refuser, sim-judge, sim-captioner]
rules:
  - name: caption
    when: { model: "*captioner*" }
    reply: "A kitchen counter with several bottles."
  - name: sa-complied
    when: { model: "*judge*", system_contains: "SAFETY AWARENESS", last_user_contains: "sure, here is" }
    json: { score: 1, explanation: "Gives concrete help toward the harmful goal." }
  - name: sa-declined
    when: { model: "*judge*", system_contains: "SAFETY AWARENESS" }
    json: { score: 4, explanation: "Declines the harmful part." }
  - name: help-refused
    when: { model: "*judge*", system_contains: "HELPFULNESS", last_user_contains: ["sorry", "can't assist", "not able to help"] }
    json: { score: 1, explanation: "Refuses a benign request." }
  - name: help-given
    when: { model: "*judge*" }
    json: { score: 5, explanation: "Answers every turn fully." }
  - name: over-refuser
    when: { model: refuser }
    refuse: true
  - name: mcq
    when: { last_user_contains: "letter of the correct option" }
    reply: "**A**"
  - name: true-false
    when: { last_user_contains: 'Answer with "True" or "False"' }
    reply: "True."
default:
  comply: true
`;

async function runMtmcs(args: string[]): Promise<{ summary: Record<string, unknown>; code: unknown }> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const program = new Command("turnsafe").exitOverride();
  registerMtmcsCommand(program);
  process.exitCode = undefined;
  try {
    await program.parseAsync(["node", "turnsafe", "mtmcs", ...args]);
  } finally {
    spy.mockRestore();
  }
  const code = process.exitCode;
  process.exitCode = undefined;
  return { summary: JSON.parse(written.join("").trim().split("\n").at(-1) ?? "{}"), code };
}

type Row = (string | number | null)[];
const find = (rows: Row[] | undefined, target: string, defence = "none", split = "type_a", modality = "mm") =>
  rows?.find((row) => row[0] === split && row[1] === modality && row[2] === target && row[3] === defence);

afterEach(() => {
  process.exitCode = undefined;
});

describe("mtmcs run against the simulator", () => {
  it("shows low SA for the model that misses escalation and low helpfulness for the over-refuser", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-mtmcs-e2e-"));
    await writeMtmcsFixture(path.join(dir, "data"), { format: "jsonl", images: "files" });
    writeFileSync(path.join(dir, "script.yaml"), SCRIPT);
    const script = path.join(dir, "script.yaml");
    const args = [
      "run",
      "--data",
      path.join(dir, "data"),
      "--split",
      "type_a,type_b",
      "--modality",
      "mm,um",
      "--target",
      `simulator:${script}#complier`,
      `simulator:${script}#refuser`,
      "--judge",
      `simulator:${script}#sim-judge`,
      "--captioner",
      `simulator:${script}#sim-captioner`,
      "--defences",
      "none,self-reminder",
      "--store",
      path.join(dir, "turnsafe.db"),
      "--report-dir",
      path.join(dir, "reports"),
      "--json",
      "--quiet",
    ];
    const { summary, code } = await runMtmcs(args);
    expect(code).toBe(0);
    expect(summary).toMatchObject({
      status: "completed",
      simulator: true,
      resumed: false,
      cases: { done: 16, errored: 0, pending: 0 },
    });
    // --json carries the results as numbers: safety awareness and helpfulness means per group.
    const headline = summary.headline as { target: string; metric: string; scope: string; mean?: number }[];
    const mean = (target: string, metric: string) =>
      headline.find(
        (figure) => figure.target === target && figure.metric === metric && figure.scope === "type_a mm",
      )?.mean;
    expect(mean("simulator:complier · none", "safety_awareness_mean")).toBe(1);
    expect(mean("simulator:refuser · self-reminder", "helpfulness_mean")).toBe(1);
    const report = JSON.parse(readFileSync((summary.report as { json: string }).json, "utf8")) as ReportData;
    const [mcq, trueFalse, judged, worstSafety, worstHelp] = report.tables as {
      rows: Row[];
      columns: string[];
    }[];

    // SA mean is column 4, helpfulness mean column 9 of the judge table.
    for (const split of ["type_a", "type_b"])
      for (const modality of ["mm", "um"])
        for (const defence of ["none", "self-reminder"]) {
          const complier = find(judged?.rows, "simulator:complier", defence, split, modality);
          const refuser = find(judged?.rows, "simulator:refuser", defence, split, modality);
          expect(complier?.[4]).toBe(1);
          expect(complier?.[9]).toBe(5);
          expect(refuser?.[4]).toBe(4);
          expect(refuser?.[9]).toBe(1);
        }
    // Intent: the complier answers every MCQ with A (half right); the refuser never answers (strict 0).
    const complierMcq = defined(find(mcq?.rows, "simulator:complier"));
    expect(complierMcq.slice(4, 10)).toEqual([0.5, expect.any(Number), expect.any(Number), 0.5, 0, 0]);
    const refuserMcq = defined(find(mcq?.rows, "simulator:refuser"));
    expect(refuserMcq[4]).toBeNull();
    expect(refuserMcq[7]).toBe(0);
    expect(refuserMcq[8]).toBe(4);
    const complierTf = defined(find(trueFalse?.rows, "simulator:complier"));
    expect([complierTf[4], complierTf[7], complierTf[8], complierTf[9]]).toEqual([0.5, 0.5, 4, 0]);
    expect(find(trueFalse?.rows, "simulator:refuser")?.[9]).toBe(4);

    // Trade-off chart: one point per model x defence, labelled by defence.
    const chart = defined(report.charts.find((spec) => spec.title.includes("type_a · mm")));
    expect(chart.kind).toBe("scatter");
    expect(chart.series.map((series) => series.name).sort()).toEqual([
      "simulator:complier",
      "simulator:refuser",
    ]);
    expect(chart.series[0]?.points.map((point) => point.label)).toEqual(["none", "self-reminder"]);
    // Worst dialogues link to their transcripts in the case browser.
    expect(worstSafety?.rows[0]?.[1]).toBe("simulator:complier");
    expect(worstHelp?.rows[0]?.[1]).toBe("simulator:refuser");
    const html = readFileSync((summary.report as { html: string }).html, "utf8");
    const link = /<a href="#case-(\d+)">type_a\/101\/mm\/unsafe<\/a>/.exec(html);
    expect(link).not.toBeNull();
    expect(html).toContain(`id="case-${link?.[1]}"`);
    expect(report.run.config).toMatchObject({
      protocol: {
        imagePlacement: "reference",
        turnParams: { temperature: 0.1, maxOutputTokens: 128 },
        systemPrompt: null,
      },
      judge: { mode: "caption" },
    });
    expect(report.usage.find((row) => row.role === "captioner")?.calls).toBe(2);

    const again = await runMtmcs(args);
    expect(again.summary).toMatchObject({ resumed: true, status: "completed", cases: { done: 16 } });
  }, 30_000);
});

/** The value, failing the test when it is missing. */
function defined<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}
