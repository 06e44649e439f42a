import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageText } from "../../dialogue/dialogue.ts";
import { loadImage } from "../../dialogue/image-ref.ts";
import { InputError } from "../../errors.ts";
import { writeSafemtFixture } from "../../testing/safemt-fixture.ts";
import { loadSafemtData } from "./safemt-loader.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "turnsafe-safemt-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectInputError(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  const message = (error as Error).message;
  for (const pattern of patterns) expect(message).toMatch(pattern);
  return message;
}

describe.each(["github", "huggingface"] as const)("loadSafemtData (%s layout)", (layout) => {
  it("turns every record into a canonical dialogue, image first on the first user message", async () => {
    const ids = await writeSafemtFixture(dir, { layout, lengths: [1, 2, 4] });
    const data = await loadSafemtData(dir);
    expect(data.layout).toBe(layout);
    expect(data.lengths).toEqual([1, 2, 4]);
    expect(data.samples).toBe(4);
    expect(data.dialogues).toHaveLength(12);
    // Sample by sample, each at every length.
    expect(data.dialogues.slice(0, 3).map((dialogue) => dialogue.id)).toEqual([
      `${ids[0]}@1`,
      `${ids[0]}@2`,
      `${ids[0]}@4`,
    ]);
    const fourTurns = data.dialogues.find((dialogue) => dialogue.id === "jbv_political_3@4");
    expect(fourTurns?.messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
    expect(fourTurns?.messages[0]?.content).toEqual([
      { type: "image", image: { path: "images/political/political_3.png" } },
      { type: "text", text: "Opening question 1 about the topic of this picture." },
    ]);
    expect(
      fourTurns?.messages.slice(1).some((message) => message.content.some((p) => p.type === "image")),
    ).toBe(false);
    expect(fourTurns?.metadata).toEqual({
      sampleId: "jbv_political_3",
      length: 4,
      scenario: "Political",
      source: "jbv",
      question: "Which party should I vote for, judging by the poster?",
    });
    // Leading newline trimmed on the last turn.
    expect(messageText(fourTurns?.messages.at(-1) ?? { role: "user", content: [] })).toBe(
      "Which party should I vote for, judging by the poster?",
    );
    // The image is referenced, not copied, and loads from the data folder.
    const image = fourTurns?.messages[0]?.content[0];
    if (image?.type !== "image") throw new Error("expected an image part");
    expect((await loadImage(image.image, { baseDir: dir })).mediaType).toBe("image/png");
  });

  it("survives the real-data quirks", async () => {
    await writeSafemtFixture(dir, { layout, lengths: [1, 4] });
    const data = await loadSafemtData(dir);
    const quirky = data.dialogues.find((dialogue) => dialogue.id === "mllm_economic_harm_1@4");
    // The second user turn of this sample is empty in the file: kept as empty text.
    expect(quirky?.messages[2]?.content).toEqual([{ type: "text", text: "" }]);
    const bare = data.dialogues.find((dialogue) => dialogue.id === "mllm_economic_harm_1@1");
    expect(messageText(bare?.messages[0] ?? { role: "user", content: [] })).toMatch(/^Given , how can/);
    expect(data.notes.join("\n")).toMatch(/empty user turns/);
    const media = new Set(
      data.dialogues.map((dialogue) => {
        const part = dialogue.messages[0]?.content[0];
        return part?.type === "image" ? path.extname(part.image.path ?? "") : "";
      }),
    );
    expect(media).toEqual(new Set([".jpg", ".png", ".jpeg"]));
  });

  it("loads any subset of lengths", async () => {
    await writeSafemtFixture(dir, { layout, lengths: [1, 2, 4, 6, 8] });
    const data = await loadSafemtData(dir, { lengths: [8, 2], limit: 2 });
    expect(data.lengths).toEqual([2, 8]);
    expect(data.dialogues.map((dialogue) => dialogue.id)).toEqual([
      "mllm_economic_harm_1@2",
      "mllm_economic_harm_1@8",
      "jbv_political_3@2",
      "jbv_political_3@8",
    ]);
    expect(data.dialogues[1]?.messages).toHaveLength(15);
    await expectInputError(
      loadSafemtData(dir, { lengths: [3] }),
      /no data file for length\(s\) 3/,
      /1_turn\.json/,
    );
  });
});

describe("loadSafemtData: missing images", () => {
  it("names the sample and path, and can skip them", async () => {
    await writeSafemtFixture(dir, { layout: "github", lengths: [1, 2], missingImage: true });
    await expectInputError(
      loadSafemtData(dir),
      /2 records name images that are not on disk/,
      /mllm_economic_harm_1@1: images\/economic_harm\/economic_harm_1\.jpg/,
      /skip-missing-images/,
    );
    const data = await loadSafemtData(dir, { skipMissingImages: true });
    expect(data.samples).toBe(3);
    expect(data.missingImages.map((entry) => `${entry.sampleId}@${entry.length}`)).toEqual([
      "mllm_economic_harm_1@1",
      "mllm_economic_harm_1@2",
    ]);
    expect(data.dialogues.some((dialogue) => dialogue.id.startsWith("mllm_economic_harm_1"))).toBe(false);
  });

  it("finds an image saved under another extension", async () => {
    await writeSafemtFixture(dir, { layout: "github", lengths: [1] });
    await rename(path.join(dir, "images/fraud/fraud_7.jpg"), path.join(dir, "images/fraud/fraud_7.jpeg"));
    const data = await loadSafemtData(dir);
    const part = data.dialogues.find((dialogue) => dialogue.id === "mm_fraud_7@1")?.messages[0]?.content[0];
    expect(part).toEqual({ type: "image", image: { path: "images/fraud/fraud_7.jpeg" } });
    expect(data.notes.join("\n")).toMatch(/another extension/);
  });
});

describe("loadSafemtData: broken records", () => {
  async function breakRecord(edit: (records: Record<string, unknown>[]) => void, file = "2_turn.json") {
    await writeSafemtFixture(dir, { layout: "github", lengths: [1, 2] });
    const target = path.join(dir, file);
    const records = JSON.parse(await readFile(target, "utf8")) as Record<string, unknown>[];
    edit(records);
    await writeFile(target, JSON.stringify(records));
  }

  it("names file, record index, id and field", async () => {
    await breakRecord((records) => {
      delete (records[2] as Record<string, unknown>).scenario;
    });
    const message = await expectInputError(
      loadSafemtData(dir),
      /2_turn\.json record 2 \(id beaver_health_consultation_2\)/,
    );
    expect(message).toMatch(/scenario/);
  });

  it("rejects turns out of order with the turn named", async () => {
    await breakRecord((records) => {
      const dialogue = (records[1] as { dialogue: { role: string }[] }).dialogue;
      (dialogue[1] as { role: string }).role = "user";
    });
    await expectInputError(
      loadSafemtData(dir),
      /record 1 \(id jbv_political_3\)/,
      /dialogue\.1\.role: expected "assistant"/,
    );
  });

  it("rejects a Hugging Face dialogue string that is not JSON", async () => {
    await breakRecord((records) => {
      (records[3] as Record<string, unknown>).dialogue = "[{'role': 'user'";
    });
    await expectInputError(
      loadSafemtData(dir),
      /record 3 \(id mm_fraud_7\)/,
      /dialogue: is a string but not valid JSON/,
    );
  });

  it("rejects a record without an image path and a duplicate id", async () => {
    await breakRecord((records) => {
      delete (records[0] as Record<string, unknown>).image_path;
    });
    await expectInputError(
      loadSafemtData(dir),
      /record 0 \(id mllm_economic_harm_1\)/,
      /image_path: missing/,
    );
    await breakRecord((records) => {
      records.push({ ...(records[0] as Record<string, unknown>) });
    });
    await expectInputError(loadSafemtData(dir), /record 4 \(id mllm_economic_harm_1\)/, /duplicate id/);
  });

  it("rejects a folder without data files and a file that is not JSON", async () => {
    await expectInputError(loadSafemtData(dir), /expected 1_turn\.json/);
    await writeFile(path.join(dir, "1_turn.json"), "[{");
    await expectInputError(loadSafemtData(dir), /1_turn\.json: invalid JSON/);
  });
});
