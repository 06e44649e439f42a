import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { parseCsv, readCsv } from "./csv.ts";

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

describe("readCsv", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-csv-"));

  it("streams the same rows as parseCsv, quoted newlines included", async () => {
    const text = 'id,prompt,label\r\n1,"Hello, ""you""",safe\r\n2,"two\n\nlines",unsafe\n\n3,last,\n';
    const file = path.join(dir, "same.csv");
    writeFileSync(file, text);
    const rows = [];
    for await (const row of readCsv(file)) rows.push(row);
    expect(rows).toEqual(parseCsv(text, file));
    expect(rows[1]?.values.prompt).toBe("two\n\nlines");
  });

  it("rejects a field longer than maxLineBytes naming the file and line, even across lines", async () => {
    const file = path.join(dir, "big.csv");
    writeFileSync(file, `id,prompt\n1,ok\n2,"${"word ".repeat(400)}\n${"more ".repeat(400)}"\n`);
    const read = async () => {
      for await (const _ of readCsv(file, { limits: { maxLineBytes: 3000 } }));
    };
    await expect(read()).rejects.toThrow(`${file}:3: record is longer than 3000 bytes`);
    await expect(read()).rejects.toBeInstanceOf(InputError);
  });
});
