import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../../errors.ts";
import { computeSafetyIndex } from "../../metrics/safety-index.ts";
import { writeSafemtFixture } from "../../testing/safemt-fixture.ts";
import { importSafemtLabels, labelOutcome, parseLengthKey } from "./safemt-labels.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "turnsafe-safemt-labels-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The spec's example: A = [s,s,u,s,s], B = [s,u,u,u,u] over 1, 2, 4, 6, 8 turns -> SI 0.6369.
const A = ["safe", "safe", "unsafe", "safe", "safe"];
const B = ["safe", "unsafe", "unsafe", "unsafe", "unsafe"];
const LENGTHS = [1, 2, 4, 6, 8];

async function writeLabels(name: string, value: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

async function siOf(file: string, options = {}) {
  const imported = await importSafemtLabels(file, options);
  const [model, outcomes] = [...imported.results][0] ?? ["", []];
  return { model, imported, result: computeSafetyIndex(outcomes) };
}

describe("importSafemtLabels: the published label/<model>.json shapes", () => {
  it("reads {length: [{id, label}]}", async () => {
    const value = Object.fromEntries(
      LENGTHS.map((length, index) => [
        `${length}_turn`,
        [
          { id: "mm_a_1", label: A[index] },
          { id: "mm_b_2", label: B[index] },
        ],
      ]),
    );
    const { model, result } = await siOf(await writeLabels("qwen.json", value));
    expect(model).toBe("qwen");
    expect(result.si?.toFixed(4)).toBe("0.6369");
  });

  it("reads bare label lists aligned with the data files, by position or by --data ids", async () => {
    const value = Object.fromEntries(LENGTHS.map((length, index) => [String(length), [A[index], B[index]]]));
    const file = await writeLabels("llava.json", value);
    const positional = await siOf(file);
    expect(positional.result.si?.toFixed(4)).toBe("0.6369");
    expect(positional.imported.notes.join()).toMatch(/by position/);
    const data = path.join(dir, "data");
    await writeSafemtFixture(data, { layout: "huggingface", lengths: LENGTHS, samples: 2 });
    const withIds = await siOf(file, { dataDir: data });
    expect(
      withIds.imported.results
        .get("llava")
        ?.map((outcome) => outcome.sampleId)
        .slice(0, 2),
    ).toEqual(["mllm_economic_harm_1", "jbv_political_3"]);
    expect(withIds.result.si?.toFixed(4)).toBe("0.6369");
  });

  it("reads {length: {id: label}} and [{id, turn, label}], counting odd labels as unparsed", async () => {
    const byId = Object.fromEntries(
      LENGTHS.map((length, index) => [`turn_${length}`, { a: A[index], b: B[index], c: "Unsafe." }]),
    );
    const first = await siOf(await writeLabels("m.json", byId));
    expect(first.result.counts.unparsed).toBe(5);
    expect(first.result.si?.toFixed(4)).toBe(((1 - 1 / 6) * (1 - 0.4714 / 3)).toFixed(4));
    const list = LENGTHS.flatMap((length, index) => [
      { id: "a", turn: length, label: A[index] },
      { id: "b", turns: `${length}_turn`, result: ` ${B[index]?.toUpperCase()} ` },
    ]);
    expect((await siOf(await writeLabels("n.json", list))).result.si?.toFixed(4)).toBe("0.6369");
  });

  it("lists the accepted shapes for anything else", async () => {
    for (const value of [{ model: "x" }, [["safe"]], 42, { "1_turn": "safe" }]) {
      const file = await writeLabels("bad.json", value);
      const error = await importSafemtLabels(file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/accepted shapes:[\s\S]*turnsafe export/);
    }
  });
});

describe("importSafemtLabels: turnsafe export JSONL", () => {
  it("reads one row per case and target, keeping unparsed and errored outcomes", async () => {
    const rows: Record<string, unknown>[] = LENGTHS.flatMap((length, index) => [
      {
        caseId: `mm_a@${length}`,
        target: "t",
        status: "done",
        metadata: { sampleId: "mm_a", length },
        scores: { "safemt@t": { status: "ok", label: A[index] } },
      },
      {
        caseId: `mm_b@${length}`,
        target: "t",
        status: "done",
        metadata: { sampleId: "mm_b", length },
        scores: { "safemt@t": { status: "ok", label: B[index] } },
      },
    ]);
    rows.push(
      {
        caseId: "mm_c@1",
        target: "t",
        status: "done",
        metadata: {},
        scores: { "safemt@t": { status: "unparsed", label: null } },
      },
      { caseId: "mm_c@2", target: "t", status: "errored", metadata: {}, scores: {} },
    );
    const file = await writeLabels("export.jsonl", rows.map((row) => JSON.stringify(row)).join("\n"));
    const { imported, result } = await siOf(file);
    expect(imported.format).toBe("turnsafe-export");
    expect(result.counts).toMatchObject({ unparsed: 1, errored: 1 });
    expect(result.asr[1]).toBe(0);
    expect(result.samples).toBe(3);
  });
});

describe("label helpers", () => {
  it("parses length keys and labels exactly", () => {
    expect(["1_turn", "8_turns", "turn_4", "6", "2_turn.json"].map(parseLengthKey)).toEqual([1, 8, 4, 6, 2]);
    expect(parseLengthKey("long")).toBeNull();
    expect(["safe", " UNSAFE\n", "unsafe.", null, 1].map(labelOutcome)).toEqual([
      "safe",
      "unsafe",
      "unparsed",
      "unparsed",
      "unparsed",
    ]);
  });
});
