import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TargetOutcomeCount } from "../src/engine/store.ts";
import type { ReportData } from "../src/reports/report-data.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { writeMtmcsFixture } from "../src/testing/mtmcs-fixture.ts";
import { runCli } from "./cli-helpers.ts";

// Two targets on the same dialogues with an image: one sees images, the other (no vision) fails
// every case. The working target's cases must stay done, with their own status, in every view.
describe("a run with a target that fails and one that works", () => {
  let simulator: RunningSimulator;
  let dir: string;
  beforeAll(async () => {
    simulator = await startSimulator();
    dir = mkdtempSync(path.join(tmpdir(), "turnsafe-outcomes-"));
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#aa3366" } })
      .png()
      .toBuffer();
    writeFileSync(path.join(dir, "picture.png"), png);
    const lines = ["a", "b"].map((id) =>
      JSON.stringify({
        id,
        messages: [
          {
            role: "user",
            content: [
              { type: "image", image: { path: "picture.png" } },
              { type: "text", text: `case ${id}: what is this?` },
            ],
          },
        ],
      }),
    );
    writeFileSync(path.join(dir, "dialogues.jsonl"), `${lines.join("\n")}\n`);
    writeFileSync(
      path.join(dir, "config.yaml"),
      [
        "name: outcomes",
        "data: dialogues.jsonl",
        "targets:",
        "  - simulator",
        "  - provider: openai-compatible",
        "    model: blind",
        `    baseURL: ${simulator.url}`,
        "    capabilities: { vision: false }",
        "judges: [refusal]",
        "store: store.db",
        "reportDir: reports",
      ].join("\n"),
    );
  });
  afterAll(() => simulator.close());

  it("counts each target's cases done or errored on its own, with the reason, in the summary, report and export", async () => {
    const result = await runCli(["run", path.join(dir, "config.yaml"), "--json"]);
    expect(result.code, result.stderr).toBe(3);
    const summary = JSON.parse(result.stdout);
    expect(summary.cases).toEqual({ pending: 0, done: 0, errored: 2 });
    const byTarget = Object.fromEntries(
      (summary.targets as TargetOutcomeCount[]).map((entry) => [entry.target, entry]),
    );
    expect(byTarget["simulator:turnsafe-sim"]).toEqual({
      target: "simulator:turnsafe-sim",
      done: 2,
      errored: 0,
      reasons: [],
    });
    const blind = Object.values(byTarget).find(
      (entry) => entry.target !== "simulator:turnsafe-sim",
    ) as TargetOutcomeCount;
    expect(blind).toMatchObject({ done: 0, errored: 2 });
    expect(blind.reasons[0]).toMatchObject({ count: 2 });
    expect(blind.reasons[0]?.error).toMatch(/image/i);

    const report = JSON.parse(readFileSync(summary.report.json, "utf8")) as ReportData;
    const headline = Object.fromEntries(report.headline.map((entry) => [entry.label, entry]));
    expect(headline["cases · simulator:turnsafe-sim"]).toMatchObject({ value: "2 done / 2" });
    expect(headline["cases · simulator:turnsafe-sim"]?.note).toBeUndefined();
    expect(headline[`cases · ${blind.target}`]?.value).toBe("0 done / 2");
    expect(headline[`cases · ${blind.target}`]?.note).toMatch(/2 errored \(.*image/i);
    for (const view of report.cases) {
      if (view.title.endsWith("simulator:turnsafe-sim"))
        expect(view).toMatchObject({ status: "done", error: null });
      else expect(view.status).toBe("errored");
    }
    expect(report.cases.filter((view) => view.status === "done")).toHaveLength(2);

    const exported = await runCli([
      "export",
      summary.runId,
      "--store",
      path.join(dir, "store.db"),
      "--format",
      "jsonl",
    ]);
    const rows = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { target: string; status: string; error: string | null });
    expect(rows.filter((row) => row.target === "simulator:turnsafe-sim").map((row) => row.status)).toEqual([
      "done",
      "done",
    ]);
    expect(rows.filter((row) => row.target === blind.target).map((row) => row.status)).toEqual([
      "errored",
      "errored",
    ]);
  });

  it("mtmcs: a failing arm leaves the working arm's cases done, in the report's headline and case views", async () => {
    await writeMtmcsFixture(path.join(dir, "mtmcs"), { format: "jsonl", images: "files" });
    writeFileSync(
      path.join(dir, "broken.yaml"),
      "default:\n  error: { status: 400, message: no such model }\n",
    );
    const result = await runCli([
      "mtmcs",
      "run",
      "--data",
      path.join(dir, "mtmcs"),
      "--split",
      "type_a",
      "--modality",
      "um",
      "--target",
      "simulator",
      `simulator:${path.join(dir, "broken.yaml")}#broken`,
      "--judge",
      "simulator",
      "--store",
      path.join(dir, "mtmcs.db"),
      "--report-dir",
      path.join(dir, "reports"),
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(3);
    const summary = JSON.parse(result.stdout);
    const working = (summary.targets as TargetOutcomeCount[]).find(
      (entry) => entry.target === "simulator:turnsafe-sim|none",
    );
    expect(working).toMatchObject({ errored: 0 });
    expect(working?.done).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(summary.report.json, "utf8")) as ReportData;
    const broken = report.headline.find((entry) => entry.label === "cases · simulator:broken|none");
    expect(broken?.note).toMatch(/errored \(.*no such model/);
    const views = report.cases.filter((view) => view.title.includes("simulator:turnsafe-sim"));
    expect(views.length).toBeGreaterThan(0);
    for (const view of views) expect(view).toMatchObject({ status: "done", error: null });
  });
});
