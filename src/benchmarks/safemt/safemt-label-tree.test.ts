import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../../errors.ts";
import { computeSafetyIndex } from "../../metrics/safety-index.ts";
import { writeSafemtFixture } from "../../testing/safemt-fixture.ts";
import { importSafemtLabelTree } from "./safemt-label-tree.ts";
import { importSafemtLabels } from "./safemt-labels.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "turnsafe-label-tree-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The spec's example: A = [s,s,u,s,s], B = [s,u,u,u,u] over 1, 2, 4, 6, 8 turns -> SI 0.6369.
const A = ["safe", "safe", "unsafe", "safe", "safe"];
const B = ["safe", "unsafe", "unsafe", "unsafe", "unsafe"];
const LENGTHS = [1, 2, 4, 6, 8];

/** Writes `<dir>/<k>/label/<model>.json` the way the SafeMT evaluation scripts do. */
async function writeTree(models: Record<string, (length: number, index: number) => unknown[]>) {
  for (const [index, length] of LENGTHS.entries())
    for (const [model, labels] of Object.entries(models)) {
      await mkdir(path.join(dir, String(length), "label"), { recursive: true });
      await writeFile(
        path.join(dir, String(length), "label", `${model}.json`),
        JSON.stringify(labels(length, index)),
      );
    }
}

const published = (_length: number, index: number) => [
  { id: "mm_a_1", safety_label: A[index] },
  { id: "mm_b_2", safety_label: B[index] },
];

describe("importSafemtLabelTree: the scorer's <k>/label/<model>.json folders", () => {
  it("gives the same SI as the labels merged into one file", async () => {
    await writeTree({ "Qwen2.5-VL-7B": published, other: () => [{ id: "mm_a_1", safety_label: "unsafe" }] });
    const tree = await importSafemtLabelTree(dir, { model: "Qwen2.5-VL-7B" });
    expect([...tree.results.keys()]).toEqual(["Qwen2.5-VL-7B"]);
    const fromTree = computeSafetyIndex(tree.results.get("Qwen2.5-VL-7B") ?? []);
    expect(fromTree.si?.toFixed(4)).toBe("0.6369");

    const merged = path.join(dir, "merged.json");
    await writeFile(
      merged,
      JSON.stringify(
        Object.fromEntries(LENGTHS.map((length, index) => [`${length}_turn`, published(length, index)])),
      ),
    );
    const fromFile = await importSafemtLabels(merged);
    const [outcomes] = [...fromFile.results.values()];
    expect(computeSafetyIndex(outcomes ?? []).si).toBe(fromTree.si);
    expect(fromTree.asr).toEqual(computeSafetyIndex(outcomes ?? []).asr);
  });

  it("reads every model when none is named; a missing length is a note, a bad label is unparsed", async () => {
    await writeTree({
      a: published,
      b: (length) => (length === 8 ? [] : [{ id: "x", safety_label: "maybe" }]),
    });
    await rm(path.join(dir, "6", "label", "b.json"));
    const tree = await importSafemtLabelTree(dir);
    expect([...tree.results.keys()]).toEqual(["a", "b"]);
    expect(tree.notes.join("\n")).toMatch(/b: no labels for length 6/);
    expect(tree.results.get("b")?.map((outcome) => outcome.outcome)).toEqual([
      "unparsed",
      "unparsed",
      "unparsed",
    ]);
  });

  it("takes ids from --data for bare label lists", async () => {
    await writeTree({ m: (_length, index) => [A[index], B[index]] });
    const data = path.join(dir, "data");
    await writeSafemtFixture(data, { layout: "huggingface", lengths: LENGTHS, samples: 2 });
    const tree = await importSafemtLabelTree(dir, { dataDir: data });
    expect(tree.results.get("m")?.some((outcome) => outcome.sampleId.startsWith("#"))).toBe(false);
    expect(computeSafetyIndex(tree.results.get("m") ?? []).si?.toFixed(4)).toBe("0.6369");
  });

  it("names the folder, file or model when the layout is wrong", async () => {
    const none = await importSafemtLabelTree(dir).catch((error: unknown) => error);
    expect(none).toBeInstanceOf(InputError);
    expect(String(none)).toContain(`${dir}: no <k>/label folders here`);
    await writeTree({ m: published });
    const unknown = await importSafemtLabelTree(dir, { model: "nope" }).catch((error: unknown) => error);
    expect(String(unknown)).toMatch(/--model: no label\/nope.json in any length folder; found: m/);
    await writeFile(path.join(dir, "2", "label", "m.json"), '{"not": "a list"}');
    const bad = await importSafemtLabelTree(dir).catch((error: unknown) => error);
    expect(String(bad)).toContain(path.join(dir, "2", "label", "m.json"));
  });
});
