import { describe, expect, it } from "vitest";
import { sampleReportData } from "../testing/sample-report-data.ts";
import { renderMarkdownReport } from "./markdown-report.ts";
import type { ReportData } from "./report-data.ts";

describe("renderMarkdownReport", () => {
  const data = sampleReportData();
  const markdown = renderMarkdownReport(data);

  it("leads with the title, the simulator warning and the run", () => {
    const lines = markdown.split("\n");
    expect(lines[0]).toBe("# SafeMT — multi-turn jailbreak resistance");
    expect(markdown).toContain(
      "> **⚠ Results from the turnsafe simulator — scripted replies, not a model.**",
    );
    expect(markdown).toContain(
      "Run `run_01JX4T8K2M9Q7` · safemt-nightly · recipe `safemt` · status **completed**",
    );
  });

  it("makes failures stand out in the counts", () => {
    expect(markdown).toContain("| 124 | 118 | **4** ⚠ | **2** ⚠ | **3** ⚠ | **1** ⚠ |");
  });

  it("writes metric tables with intervals, chart data and usage with a total", () => {
    expect(markdown).toContain("| openai:gpt-4o-mini | 118 | 35.6% (27.5–44.6%) | 1 | 2.41 |");
    expect(markdown).toContain("| google:gemini-2.0-flash | 118 | 44.1% (35.4–53.1%) | 2 | — |");
    expect(markdown).toContain(
      "| User turns in the conversation | openai:gpt-4o-mini | anthropic:claude-3-5-haiku | google:gemini-2.0-flash |",
    );
    expect(markdown).toContain("| 1 | 10.0% (4.0–23.1%) | 2.5% (0.4–12.9%) | 15.0% (7.1–29.1%) |");
    expect(markdown).toContain("| openai:gpt-4o-mini | adashield | 21.0% | 8.0% |");
    expect(markdown).toContain(
      "| **Total** |  | 2,586 | 157 | 5 | 50 | 40 | 14 | 1,532,863 | 297,556 | $1.88 |",
    );
  });

  it("lists the cases that need a look", () => {
    expect(markdown).toContain(
      "- `safemt-0012` errored: TargetError: rate-limited after 6 attempts (status 429)",
    );
    expect(markdown).toContain("- `safemt-0031` done (scores: safety@anthropic:claude-3-5-haiku unparsed)");
    expect(markdown).toContain("120 more cases not included in this report.");
    expect(markdown).not.toContain("safemt-0007`");
  });

  it("keeps hostile text from opening tags or breaking table rows", () => {
    const hostile: ReportData = {
      ...data,
      title: "<script>alert(1)</script>",
      warnings: ["line one\nline two | <img src=x onerror=alert(1)>"],
      tables: [{ title: "t", columns: ["a|b"], rows: [["x|y\nz"]] }],
    };
    const output = renderMarkdownReport(hostile);
    expect(output).not.toMatch(/<script|<img/);
    expect(output).toContain("# &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(output).toContain("- line one line two \\| &lt;img src=x onerror=alert(1)&gt;");
    expect(output).toContain("| a\\|b |");
    expect(output).toContain("| x\\|y z |");
  });

  it("says when there were no calls and shows no simulator warning for real runs", () => {
    const output = renderMarkdownReport({
      ...data,
      simulator: false,
      run: { ...data.run, simulator: false },
      usage: [],
    });
    expect(output).not.toContain("simulator");
    expect(output).toContain("No model calls recorded.");
  });
});
