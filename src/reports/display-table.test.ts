import { describe, expect, it } from "vitest";
import { displayTable } from "./display-table.ts";

describe("displayTable", () => {
  it("folds interval columns into the rate before them", () => {
    const table = displayTable({
      title: "ASR",
      columns: ["Target", "n", "ASR", "low", "high", "Cost"],
      formats: ["text", "integer", "percent", "interval-low", "interval-high", "usd"],
      rows: [
        ["a", 1200, 0.5, 0.2366, 0.7634, 0.0123],
        ["b", 0, null, null, null, 0],
      ],
    });
    expect(table.columns).toEqual(["Target", "n", "ASR", "Cost"]);
    expect(table.numeric).toEqual([false, true, true, true]);
    expect(table.rows[0]).toEqual([
      { text: "a", interval: "" },
      { text: "1,200", interval: "" },
      { text: "50.0%", interval: "23.7–76.3%" },
      { text: "$0.01", interval: "" },
    ]);
    expect(table.rows[1]?.[2]).toEqual({ text: "—", interval: "" });
    expect(table.hasIntervals).toBe(true);
  });

  it("guesses alignment without formats and keeps cells beyond the header", () => {
    const table = displayTable({ title: "t", columns: ["name", "score"], rows: [["x", 0.12345, "extra"]] });
    expect(table.columns).toEqual(["name", "score", ""]);
    expect(table.numeric).toEqual([false, true, false]);
    expect(table.rows[0]?.map((cell) => cell.text)).toEqual(["x", "0.123", "extra"]);
    expect(table.hasIntervals).toBe(false);
  });

  it("treats an interval column with nothing before it as an ordinary column", () => {
    const table = displayTable({ title: "t", columns: ["low"], formats: ["interval-low"], rows: [[0.2]] });
    expect(table.columns).toEqual(["low"]);
    expect(table.rows[0]?.[0]?.text).toBe("0.2");
  });
});
