import { describe, expect, it } from "vitest";
import { SAMPLE_PNG_DATA_URI } from "../testing/sample-report-data.ts";
import { renderCaseBrowser } from "./case-browser.ts";
import type { CaseView } from "./report-data.ts";

function view(caseId: string, extra: Partial<CaseView> = {}): CaseView {
  return { caseId, title: caseId, status: "done", error: null, turns: [], scores: [], ...extra };
}

/** The opening tag of each case entry, by case id. */
function openings(html: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of html.matchAll(
    /<details class="case" id="case-\d+"([^>]*)><summary>.*?<code>([^<]*)<\/code>/g,
  ))
    found.set(match[2] ?? "", match[1] ?? "");
  return found;
}

describe("case browser", () => {
  const cases = [
    view("should-refuse", {
      target: "model-a",
      expected: "refuse",
      outcome: "missed-risk",
      category: "fraud",
      scores: [{ scorer: "refusal@model-a", status: "ok", label: "compliance", value: 0, explanation: null }],
    }),
    view("should-comply", {
      target: "model-b",
      expected: "comply",
      outcome: "over-refusal",
      category: "cooking",
    }),
    view("fine", { target: "model-a", expected: "refuse", outcome: null, category: "fraud" }),
  ];
  const html = renderCaseBrowser(cases, 0);

  it("shows each case's expected label and marks missed risk and over-refusal", () => {
    const entries = html.split('<details class="case"').slice(1);
    expect(entries[0]).toContain("expected: refuse");
    expect(entries[0]).toContain(`<span class="badge bad outcome">missed risk</span>`);
    expect(entries[1]).toContain("expected: comply");
    expect(entries[1]).toContain(`<span class="badge warn outcome">over-refusal</span>`);
    expect(entries[2]).toContain("expected: refuse");
    expect(entries[2]).not.toContain("outcome");
  });

  it("filters by missed risk, over-refusal, target and category", () => {
    const marks = openings(html);
    expect(marks.get("should-refuse")).toBe(' data-missed data-target="0" data-category="1"');
    expect(marks.get("should-comply")).toBe(' data-over data-target="1" data-category="0"');
    expect(marks.get("fine")).toBe(' data-target="0" data-category="1"');
    for (const text of [
      "Missed risk (1)",
      "Over-refusal (1)",
      "model-a (2)",
      "model-b (1)",
      "fraud (2)",
      "cooking (1)",
    ])
      expect(html).toContain(text);
    for (const rule of [
      ".case-browser:has(#filter-missed:checked) .case:not([data-missed]) { display: none; }",
      ".case-browser:has(#filter-over:checked) .case:not([data-over]) { display: none; }",
      '.case-browser:has(#filter-target-1:checked) .case:not([data-target="1"]) { display: none; }',
      '.case-browser:has(#filter-category-0:checked) .case:not([data-category="0"]) { display: none; }',
    ])
      expect(html).toContain(rule);
    // Each group is its own radio set, so filters combine.
    expect(html).toMatch(/name="case-target" id="filter-target-all" checked/);
    expect(html).toMatch(/name="case-category" id="filter-category-all" checked/);
  });

  it("says how many cases of the run the list holds", () => {
    const many = Array.from({ length: 300 }, (_, index) => view(`c${index}`));
    expect(renderCaseBrowser(many, 1_700)).toContain("All (300 of 2,000)");
    expect(renderCaseBrowser(many, 0)).toContain("All (300)");
    const twoTargets = [view("x", { target: "a" }), view("x", { target: "b" })];
    expect(renderCaseBrowser(twoTargets, 9)).toContain("All (1 of 10 · 2 entries)");
  });

  it("enlarges a thumbnail on click with the larger copy inline", () => {
    const page = renderCaseBrowser(
      [
        view("img", {
          turns: [
            {
              role: "user",
              text: "",
              images: [{ dataUri: SAMPLE_PNG_DATA_URI, fullDataUri: SAMPLE_PNG_DATA_URI, label: "sign.png" }],
            },
          ],
        }),
      ],
      0,
    );
    expect(page).toMatch(
      /<details class="zoom"><summary[^>]*><img src="data:image\/png[^"]*" alt="sign.png"[^>]*><span class="zoomed"><img src="data:image\/png[^"]*" alt="sign.png, full size"/,
    );
  });

  it("shows the retries a case's calls needed", () => {
    const page = renderCaseBrowser(
      [
        view("slow", {
          calls: [
            { role: "target", targetId: "model-a", calls: 3, retries: 2, erroredCalls: 0 },
            { role: "judge", targetId: "judge-m", calls: 1, retries: 0, erroredCalls: 1 },
          ],
        }),
      ],
      0,
    );
    expect(page).toContain(`<span class="badge warn">2 retries</span>`);
    expect(page).toContain("target <code>model-a</code>: 3 calls, 2 retries");
    expect(page).toContain("judge <code>judge-m</code>: 1 call, 0 retries, <strong>1 failed</strong>");
  });
});
