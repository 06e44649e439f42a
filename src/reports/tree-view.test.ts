import { describe, expect, it } from "vitest";
import { renderTree } from "./tree-view.ts";

describe("renderTree", () => {
  it("nests expandable nodes coloured by score, opens the highlighted path and escapes labels", () => {
    const html = renderTree({
      label: "3 rounds",
      score: null,
      highlight: true,
      children: [
        {
          label: "r.0: <b>hi</b>",
          score: 5,
          highlight: true,
          children: [{ label: "r.0.0", score: 2, children: [] }],
        },
        { label: "r.1", score: 1, children: [] },
      ],
    });
    expect(html).toContain('<ul class="search-tree"');
    expect(html.match(/<details open>/g)).toHaveLength(2);
    expect(html).toContain("&lt;b&gt;hi&lt;/b&gt;");
    expect(html).not.toContain("<b>hi</b>");
    expect(html).toContain("background:#e57373"); // score 5
    expect(html).toContain("background:#e8f5e9"); // score 1
  });

  it("stops at maxNodes", () => {
    const chain = {
      label: "a",
      score: 1,
      children: [{ label: "b", score: 2, children: [{ label: "c", score: 3, children: [] }] }],
    };
    expect(renderTree(chain, 2)).not.toContain(" c</li>");
  });
});
