import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RunConfigSchema } from "../../config/run-config.ts";
import { benchmarkRunId } from "../run-benchmark.ts";
import { dialoguesBenchmark } from "./dialogues-benchmark.ts";
import { planDialogueRun } from "./plan-dialogue-run.ts";

// The run id covers the data's content without reading the whole file before the run starts
// (size, modification time, first and last 64 KiB): rerunning resumes, an edit starts a new run.
const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-data-identity-"));
const data = path.join(dir, "data.jsonl");
const line = (index: number, word = "hello") =>
  JSON.stringify({ id: `d${index}`, messages: [{ role: "user", content: `${word} ${index}` }] });

async function runId(): Promise<string> {
  const config = RunConfigSchema.parse({ data, targets: ["simulator"], store: path.join(dir, "s.db") });
  const planned = await planDialogueRun(config, { baseDir: dir, env: {} });
  try {
    return benchmarkRunId(dialoguesBenchmark, planned.plan);
  } finally {
    await planned.close();
  }
}

/** Rewrites the file with one line changed (same size), keeping or moving its modification time. */
function edit(index: number, keepTime: boolean) {
  const before = statSync(data);
  const text = readFileSync(data, "utf8").replace(line(index), line(index, "howdy"));
  writeFileSync(data, text);
  if (keepTime) utimesSync(data, before.atime, before.mtime);
  else utimesSync(data, before.atime, new Date(before.mtimeMs + 5000));
}

describe("the run id of a data file", () => {
  it("is the same for the same file and changes when the file is edited", async () => {
    // ~300 KB, so the middle is outside the first and last 64 KiB.
    writeFileSync(data, `${Array.from({ length: 8000 }, (_, index) => line(index)).join("\n")}\n`);
    const first = await runId();
    expect(await runId()).toBe(first);
    edit(4000, false);
    const middleEdited = await runId();
    expect(middleEdited).not.toBe(first);
    // An edit near the end is caught even when the modification time is set back.
    edit(7990, true);
    expect(await runId()).not.toBe(middleEdited);
    // And near the start.
    const tailEdited = await runId();
    edit(3, true);
    expect(await runId()).not.toBe(tailEdited);
  });
});
