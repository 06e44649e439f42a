import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { readLines } from "./read-lines.ts";
import { type DataHashRecord, StreamedDataHash } from "./streamed-data-hash.ts";

const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-streamed-hash-")), "data.txt");
const lines = Array.from({ length: 40 }, (_, index) => `line ${index} ${"y".repeat(index * 3)}`);
writeFileSync(file, `${lines.join("\n")}\n`);

/** A hasher with small blocks, so lines span blocks. */
function hasher(expected?: DataHashRecord) {
  const done: DataHashRecord[] = [];
  const hash = new StreamedDataHash({
    file,
    expected,
    runLabel: "run r began",
    onComplete: (record) => done.push(record),
    blockBytes: 100,
  });
  return { hash, done };
}

async function read(hash: StreamedDataHash): Promise<string[]> {
  const texts: string[] = [];
  for await (const entry of readLines(file, { maxLineBytes: 10_000, hash }))
    if (entry.problem === undefined) texts.push(entry.text);
  return texts;
}

describe("StreamedDataHash", () => {
  it("reads the same lines in whole blocks and hashes the whole file", async () => {
    const { hash, done } = hasher();
    expect(await read(hash)).toEqual(lines);
    expect(done[0]?.fullHash).toBe(
      createHash("sha256")
        .update(`${lines.join("\n")}\n`)
        .digest("hex"),
    );
    const size = done[0]?.size ?? 0;
    expect(done[0]?.blocks.length).toBe(16 * Math.ceil(size / 100));
    // Unchanged, a later read passes and yields every line.
    const again = hasher(done[0]);
    expect(await read(again.hash)).toEqual(lines);
  });

  it("stops before yielding a line from a changed block, naming the file", async () => {
    const { hash, done } = hasher();
    await read(hash);
    const record = done[0] as DataHashRecord;
    writeFileSync(file, `${lines.join("\n").replace("line 30 ", "LINE 30 ")}\n`);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const entry of readLines(file, { maxLineBytes: 10_000, hash: hasher(record).hash }))
        if (entry.problem === undefined) seen.push(entry.text);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/changed since run r began.*start a new run/s);
    expect((error as InputError).message).toContain(file);
    expect(seen.length).toBeLessThan(30);
    expect(seen).toEqual(lines.slice(0, seen.length));
    writeFileSync(file, `${lines.join("\n")}\n`);
  });
});
