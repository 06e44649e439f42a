import { mkdirSync } from "node:fs";
import path from "node:path";
import type { RunStatus } from "../engine/store.ts";
import { renderHtmlReport } from "./html-report.ts";
import type { ReportData } from "./report-data.ts";
import { writeFilesAtomically } from "./write-files-atomically.ts";

/**
 * Writes a report as `<runId>.json` and `<runId>.html` (self-contained) into `reportDir`. Both are
 * rendered first, then written to temporary files and renamed into place (JSON first), so a
 * failure or a kill leaves each file either whole and new or as it was.
 */
export function writeReportFiles(
  reportDir: string,
  runId: string,
  data: ReportData,
  /** The status to show when the store does not hold it yet (reports are written before a run is marked). */
  runStatus?: RunStatus,
): { reportHtml: string; reportJson: string } {
  if (runStatus) data = { ...data, run: { ...data.run, status: runStatus } };
  mkdirSync(reportDir, { recursive: true });
  const reportHtml = path.join(reportDir, `${runId}.html`);
  const reportJson = path.join(reportDir, `${runId}.json`);
  const html = renderHtmlReport(data);
  writeFilesAtomically([
    { file: reportJson, content: `${JSON.stringify(data, null, 2)}\n` },
    { file: reportHtml, content: html },
  ]);
  return { reportHtml, reportJson };
}
