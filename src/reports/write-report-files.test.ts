import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sampleReportData } from "../testing/sample-report-data.ts";
import type { ReportData } from "./report-data.ts";
import { writeReportFiles } from "./write-report-files.ts";

/** Report data whose JSON rendering fails, as a bug or a full disk would make it fail. */
function unwritableReportData(): ReportData {
  return Object.assign(sampleReportData(), {
    broken: {
      toJSON() {
        throw new Error("injected failure while writing the JSON report");
      },
    },
  });
}

function reportFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-report-files-"));
  writeFileSync(path.join(dir, "run-1.html"), "old html");
  writeFileSync(path.join(dir, "run-1.json"), "old json");
  return dir;
}

describe("writeReportFiles", () => {
  it("writes both files and leaves no temporary file", () => {
    const dir = reportFolder();
    const written = writeReportFiles(dir, "run-1", sampleReportData());
    expect(JSON.parse(readFileSync(written.reportJson, "utf8"))).toEqual(sampleReportData());
    expect(readFileSync(written.reportHtml, "utf8")).toMatch(/^<!doctype html>/i);
    expect(readdirSync(dir).sort()).toEqual(["run-1.html", "run-1.json"]);
  });

  it("keeps the old report whole when rendering fails part-way", () => {
    const dir = reportFolder();
    expect(() => writeReportFiles(dir, "run-1", unwritableReportData())).toThrow(/injected failure/);
    expect(readFileSync(path.join(dir, "run-1.html"), "utf8")).toBe("old html");
    expect(readFileSync(path.join(dir, "run-1.json"), "utf8")).toBe("old json");
    expect(readdirSync(dir).sort()).toEqual(["run-1.html", "run-1.json"]);
  });

  it("removes its temporary files when a file cannot be put in place", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-report-files-"));
    writeFileSync(path.join(dir, "run-1.html"), "old html");
    // A folder where the JSON report goes: the rename over it fails.
    mkdirSync(path.join(dir, "run-1.json"));
    expect(() => writeReportFiles(dir, "run-1", sampleReportData())).toThrow();
    expect(readFileSync(path.join(dir, "run-1.html"), "utf8")).toBe("old html");
    expect(readdirSync(dir).sort()).toEqual(["run-1.html", "run-1.json"]);
  });
});
