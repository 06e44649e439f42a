import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { countDialogueLines } from "./count-lines.ts";

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-count-lines-"));
const count = (text: string | Buffer) => {
  const file = path.join(dir, `f-${Math.random()}.jsonl`);
  writeFileSync(file, text);
  return countDialogueLines(file);
};

describe("countDialogueLines", () => {
  it("counts non-blank lines, with or without a final newline, CRLF and blank lines included", async () => {
    expect(await count("")).toBe(0);
    expect(await count("{}")).toBe(1);
    expect(await count("{}\n{}\n")).toBe(2);
    expect(await count("{}\r\n\r\n  \n\t{} \n{}")).toBe(3);
    expect(await count("\n\n  x  \n")).toBe(1);
  });
  it("counts lines that cross read chunks", async () => {
    const long = "y".repeat(3 << 20);
    expect(await count(`${long}\n  \n${long}\n${" ".repeat(3 << 20)}\n{}`)).toBe(3);
    expect(await count(`{}\n${" ".repeat(3 << 20)}x`)).toBe(2);
  });
  it("says undefined for a missing file", async () => {
    expect(await countDialogueLines(path.join(dir, "missing"))).toBeUndefined();
  });
});
