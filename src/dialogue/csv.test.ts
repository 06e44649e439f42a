import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv.ts";

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes, newlines and CRLF", () => {
    const rows = parseCsv('id,prompt,label\r\n1,"Hello, ""you""",safe\r\n2,"two\nlines",unsafe\r\n', "t.csv");
    expect(rows).toEqual([
      { line: 2, values: { id: "1", prompt: 'Hello, "you"', label: "safe" } },
      { line: 3, values: { id: "2", prompt: "two\nlines", label: "unsafe" } },
    ]);
  });

  it("names the line of a row with the wrong number of fields", () => {
    expect(() => parseCsv("a,b\n1,2\n3\n", "t.csv")).toThrow("t.csv:3");
    expect(() => parseCsv('a\n"open\n', "t.csv")).toThrow(/never closed/);
  });
});

describe("parseCsv (more)", () => {
  it("skips blank lines, strips a byte-order mark and names the line of an unclosed quote", () => {
    expect(parseCsv('\ufeffa,b\r\n"x, ""y""","line1\nline2"\r\n\r\nlast,\n', "t.csv")).toEqual([
      { line: 2, values: { a: 'x, "y"', b: "line1\nline2" } },
      { line: 5, values: { a: "last", b: "" } },
    ]);
    expect(() => parseCsv('a\n"open\nmore', "t.csv")).toThrow(/t\.csv:2/);
  });
});
