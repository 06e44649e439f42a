import { closeSync, ftruncateSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { DialogueSchema } from "./dialogue.ts";
import { readDialogues, readJsonl, readJsonlEntries } from "./jsonl.ts";

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-jsonl-"));
let files = 0;

function dataFile(content: string | Buffer): string {
  const file = path.join(dir, `data-${++files}.jsonl`);
  writeFileSync(file, content);
  return file;
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`;
const dialogue = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  messages: [{ role: "user", content: "hello" }],
  ...extra,
});

async function collect(file: string, options: Parameters<typeof readDialogues>[1] = {}) {
  const out = [];
  for await (const value of readDialogues(file, options)) out.push(value);
  return out;
}

function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe("readJsonl line caps", () => {
  it("rejects a line over maxLineBytes naming file:line, without holding the line", async () => {
    // 64 MiB of zero bytes and no newline: the reader must stop at the 8 MiB cap.
    const file = path.join(dir, "one-huge-line.jsonl");
    const fd = openSync(file, "w");
    ftruncateSync(fd, 64 * 1024 * 1024);
    closeSync(fd);
    const before = process.memoryUsage();
    const error = await collect(file).catch((caught: unknown) => caught);
    const after = process.memoryUsage();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(`${file}:1: line is longer than 8 MiB`);
    expect(after.arrayBuffers + after.heapUsed - before.arrayBuffers - before.heapUsed).toBeLessThan(
      48 * 1024 * 1024,
    );
  });

  it("reports an over-long line and reads on (for one-pass validation)", async () => {
    const file = dataFile(
      line(dialogue("a")) +
        line(dialogue("b", { metadata: { pad: "x".repeat(5000) } })) +
        line(dialogue("c")),
    );
    const seen: string[] = [];
    for await (const entry of readJsonlEntries(file, DialogueSchema, { limits: { maxLineBytes: 2048 } }))
      seen.push(entry.error ? entry.error.message : entry.value.id);
    expect(seen).toEqual(["a", expect.stringMatching(`${file}:2: line is longer than 2 KiB`), "c"]);
  });
});

describe("readJsonl validation", () => {
  it("caps nesting depth in metadata and labels at load, naming the field", async () => {
    const file = dataFile(line(dialogue("a")) + line(dialogue("b", { metadata: nested(40) })));
    await expect(collect(file)).rejects.toThrow(
      new RegExp(`${file}:2: metadata\\.a\\.a\\.a.*nested deeper than 32 levels`),
    );
    const deepLabels = `${'{"a":'.repeat(5000)}"leaf"${"}".repeat(5000)}`;
    const deeper = dataFile(
      `{"id":"a","messages":[{"role":"user","content":"hi"}],"labels":${deepLabels}}\n`,
    );
    await expect(collect(deeper)).rejects.toThrow(/:1: labels.*nested deeper than 32 levels/);
  });

  it("accepts only refuse or comply as labels.expected", async () => {
    expect(
      (await collect(dataFile(line(dialogue("a", { labels: { expected: "comply", other: 1 } })))))[0]?.labels,
    ).toEqual({
      expected: "comply",
      other: 1,
    });
    const file = dataFile(line(dialogue("a", { labels: { expected: "maybe" } })));
    await expect(collect(file)).rejects.toThrow(
      `${file}:1: labels.expected: expected "refuse" | "comply", found "maybe" (string)`,
    );
  });

  it("says what was expected and what was found, and suggests the nearest field", async () => {
    const wrongType = dataFile(line({ id: 3, messages: [{ role: "user", content: "hi" }] }));
    await expect(collect(wrongType)).rejects.toThrow(`${wrongType}:1: id: expected string, found 3 (number)`);
    const typo = dataFile(line({ id: "a", mesages: [] }));
    await expect(collect(typo)).rejects.toThrow(/mesages: unknown field \(did you mean "messages"\?\)/);
    const missing = dataFile(line({ id: "a" }));
    await expect(collect(missing)).rejects.toThrow(/messages: required \(expected array\)/);
    const badRole = dataFile(line({ id: "a", messages: [{ role: "robot", content: "hi" }] }));
    await expect(collect(badRole)).rejects.toThrow(
      /messages\.0\.role: expected "system" \| "user" \| "assistant", found "robot"/,
    );
    await expect(collect(badRole)).rejects.not.toThrow(/Invalid input/);
  });

  it("warns about invalid UTF-8 with the file and line, and keeps the record", async () => {
    const bad = Buffer.concat([
      Buffer.from(line(dialogue("a"))),
      Buffer.from('{"id":"b","messages":[{"role":"user","content":"caf'),
      Buffer.from([0xe9, 0x22]),
      Buffer.from("}]}\n"),
    ]);
    const file = dataFile(bad);
    const warnings: string[] = [];
    const read = await collect(file, { onWarning: (warning) => warnings.push(warning) });
    expect(read.map((value) => value.id)).toEqual(["a", "b"]);
    expect(warnings).toEqual([`${file}:2: invalid UTF-8, replaced with U+FFFD`]);
  });

  it("refuses a FIFO as a data file instead of waiting on it", async () => {
    const { execFileSync } = await import("node:child_process");
    const fifo = path.join(dir, "pipe.jsonl");
    execFileSync("mkfifo", [fifo]);
    const read = async () => {
      for await (const _ of readJsonl(fifo, DialogueSchema)) break;
    };
    await expect(read()).rejects.toThrow(`${fifo}: cannot read file: not a regular file (a FIFO)`);
  }, 5_000);
});
