import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { renderHtmlReport } from "./html-report.ts";
import type { ReportData } from "./report-data.ts";

/** Writes a report as `<runId>.html` (self-contained) and `<runId>.json` into `reportDir`. */
export function writeReportFiles(
  reportDir: string,
  runId: string,
  data: ReportData,
): { reportHtml: string; reportJson: string } {
  mkdirSync(reportDir, { recursive: true });
  const reportHtml = path.join(reportDir, `${runId}.html`);
  const reportJson = path.join(reportDir, `${runId}.json`);
  writeFileSync(reportHtml, renderHtmlReport(data));
  writeFileSync(reportJson, `${JSON.stringify(data, null, 2)}\n`);
  return { reportHtml, reportJson };
}
