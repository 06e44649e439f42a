import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLE_PNG_DATA_URI, sampleReportData } from "../testing/sample-report-data.ts";
import { renderHtmlReport, SIMULATOR_NOTICE } from "./html-report.ts";
import type { ReportData } from "./report-data.ts";

const PAYLOAD = `<script>alert(1)</script>"onerror=alert(2) '><img src=x onerror=alert(3)>`;

/** Every element the report may contain; anything else would mean text escaped into markup. */
const ALLOWED_TAGS = new Set(
  (
    "html head meta title style body main header h1 h2 h3 dl dt dd code div section strong span svg g rect line " +
    "path text polygon circle defs clippath figure figcaption img details summary ol li table thead tbody tr th " +
    "td p input label ul pre footer time"
  ).split(" "),
);

function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((match) => (match[1] ?? "").toLowerCase());
}

function attributeUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href|xlink:href|action|poster|srcset)\s*=\s*"([^"]*)"/gi)].map(
    (match) => match[1] ?? "",
  );
}

/** Replaces every string in the data (except fields the renderer switches on) with hostile text around it. */
function poison<T>(value: T, key = ""): T {
  if (typeof value === "string") {
    if (["kind", "yFormat", "xFormat", "dataUri"].includes(key)) return value;
    return `${PAYLOAD}${value}${PAYLOAD}` as T;
  }
  if (Array.isArray(value)) return value.map((item) => poison(item, key === "formats" ? "kind" : key)) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, poison(item, name)])) as T;
  return value;
}

describe("renderHtmlReport", () => {
  const data = sampleReportData();
  const html = renderHtmlReport(data);

  it("is one self-contained page with no script and no external URL", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<link|@import|url\((?!#)/i);
    for (const url of attributeUrls(html)) expect(url).toMatch(/^data:image\//);
    expect(html).toContain(
      `http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;`,
    );
  });

  it("draws every chart and every table", () => {
    expect(html.match(/<svg /g)?.length).toBe(data.charts.length);
    // the metric tables, the usage table and one score table per case with scores
    const scoreTables = data.cases.filter((view) => view.scores.length > 0).length;
    expect(html.match(/<table/g)?.length).toBe(data.tables.length + 1 + scoreTables);
    expect(html).toContain("<h3>Attack success rate by target</h3>");
    expect(html).toContain(`35.6% <span class="interval">(27.5–44.6%)</span>`);
    expect(html).toContain("Figures in parentheses are confidence intervals.");
  });

  it("shows the run, the simulator banner and every kind of failure", () => {
    expect(html).toContain("run_01JX4T8K2M9Q7");
    expect(html).toContain(SIMULATOR_NOTICE);
    for (const label of ["Errored cases", "Pending cases", "Unparsed scores", "Errored scores"])
      expect(html).toMatch(new RegExp(`card (bad|warn)"><div class="label">${label}`));
    expect(html).toContain("TargetError: rate-limited after 6 attempts (status 429)");
    expect(html).toContain("<strong>120 more cases not shown.</strong>");
    expect(html).toContain("Warnings (2)");
    expect(html).toContain("<td>Total</td>".replace("<td>", `<td colspan="2">`));
    expect(html).toContain("$1.88");
  });

  it("marks cases for the errored, unparsed and flagged filters", () => {
    const openings = [...html.matchAll(/<details class="case" id="case-(\d)"([^>]*)>/g)].map((match) =>
      match[2]?.trim(),
    );
    expect(openings).toEqual(["data-flagged", "data-errored", "data-unparsed", "data-unparsed"]);
    expect(html).toContain(`id="filter-all" checked`);
    expect(html).toContain("Errored cases (1)");
    expect(html).toContain("Unparsed or errored scores (2)");
    expect(html).toContain("Flagged (1)");
  });

  it("embeds data: images only, and names the others", () => {
    expect(html).toContain(`<img src="${SAMPLE_PNG_DATA_URI}" alt="images/lab-bench.png"`);
    expect(html.match(/<img /g)?.length).toBe(1);
    expect(html).toContain("remote image (blocked)");
    expect(html).toContain("images/typography-attack.jpg");

    const hostile: ReportData = {
      ...data,
      cases: [
        {
          caseId: "c",
          title: "t",
          status: "done",
          error: null,
          scores: [],
          turns: [
            {
              role: "user",
              text: "",
              images: [
                { dataUri: "javascript:alert(1)", label: "js" },
                { dataUri: "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", label: "svg" },
                { dataUri: 'data:image/png;base64,AAAA" onerror="alert(1)', label: "broken" },
                { dataUri: "data:text/html;base64,PGI+", label: "html" },
              ],
            },
          ],
        },
      ],
    };
    const page = renderHtmlReport(hostile);
    expect(page).not.toMatch(/<img /);
    expect(page).not.toContain("javascript:");
    expect(page.match(/only inline data images are shown/g)?.length).toBe(4);
  });

  it("leaves hostile text inert wherever it appears", () => {
    const page = renderHtmlReport(poison(data));
    expect(page).not.toMatch(/<script/i);
    for (const tag of tagsOf(page)) expect(ALLOWED_TAGS).toContain(tag);
    const tags = page.match(/<[^>]*>/g) ?? [];
    // Attribute values are quoted and escaped, so outside the quotes no event handler may appear.
    for (const tag of tags) expect(tag.replace(/"[^"]*"/g, '""')).not.toMatch(/\son[a-z]+\s*=/i);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror=alert(2)");
    for (const url of attributeUrls(page)) expect(url).toMatch(/^data:image\//);
  });

  it("shows missing values as a dash and copes with an empty run", () => {
    expect(html).toMatch(/<td class="number">—<\/td>/);
    const empty: ReportData = {
      ...data,
      simulator: false,
      run: { ...data.run, simulator: false, status: "interrupted", config: null },
      counts: { cases: 0, done: 0, errored: 0, pending: 0, unparsedScores: 0, erroredScores: 0 },
      headline: [],
      tables: [],
      charts: [],
      usage: [],
      cases: [],
      casesOmitted: 0,
      warnings: [],
    };
    const page = renderHtmlReport(empty);
    expect(page).not.toContain(SIMULATOR_NOTICE);
    expect(page).toContain("This run is <strong>interrupted</strong>");
    expect(page).toContain("No model calls recorded.");
    expect(page).toContain("No cases to show.");
    expect(page).not.toContain("more cases not shown");
  });

  it("writes a sample report to a temporary directory", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "turnsafe-report-"));
    try {
      const file = path.join(directory, "sample-report.html");
      await writeFile(file, html);
      expect(await readFile(file, "utf8")).toBe(html);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
