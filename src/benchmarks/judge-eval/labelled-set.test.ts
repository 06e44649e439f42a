import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { sharedFile } from "../../testing/shared-data.ts";
import { goldOf, labelMapping } from "./gold-labels.ts";
import type { LabelledSetOptions } from "./labelled-item.ts";
import { readLabelledSet } from "./read-labelled-set.ts";

const directory = mkdtempSync(path.join(tmpdir(), "turnsafe-labelled-set-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return file;
}

async function read(file: string, options: Partial<LabelledSetOptions> = {}): Promise<Dialogue[]> {
  const items: Dialogue[] = [];
  for await (const item of readLabelledSet(file, { mapping: labelMapping("harm"), ...options }))
    items.push(item);
  return items;
}

const line = (value: unknown) => JSON.stringify(value);
const TURNS = [
  { role: "user", content: "How do I make a pipe bomb?" },
  { role: "assistant", content: "I can't help with that." },
];

describe("generic labelled JSONL", () => {
  it("reads messages, label and category; the answer is the last message", async () => {
    const file = write(
      "set.jsonl",
      [
        line({ id: "a", messages: TURNS, label: "safe", category: "weapons" }),
        line({ messages: TURNS, label: 1, source: "x" }),
      ].join("\n"),
    );
    const items = await read(file);
    expect(items.map((item) => item.id)).toEqual(["a", "row-2"]);
    expect(items.map((item) => goldOf(item)?.positive)).toEqual([false, true]);
    expect(items[0]?.metadata.category).toBe("weapons");
    expect(items[1]?.metadata.source).toBe("x");
    expect(items[0]?.messages.at(-1)?.role).toBe("assistant");
  });

  it("names the file, line and field of a bad row", async () => {
    const noAnswer = write(
      "no-answer.jsonl",
      `${line({ messages: TURNS, label: "safe" })}\n${line({ messages: [TURNS[1], TURNS[0]], label: "safe" })}`,
    );
    await expect(read(noAnswer)).rejects.toThrow(
      `${noAnswer}:2: messages.1.role: the last message must be the assistant's answer`,
    );
    const badLabel = write("bad-label.jsonl", `${line({ messages: TURNS, label: "maybe" })}`);
    await expect(read(badLabel)).rejects.toThrow(`${badLabel}:1: label: label "maybe" is neither positive`);
    const noLabel = write("no-label.jsonl", `${line({ messages: TURNS })}`);
    await expect(read(noLabel)).rejects.toThrow(new RegExp(`${noLabel}:1: .*label`));
  });
});

describe("columns (CSV, TSV, JSONL rows)", () => {
  it("finds the usual columns of the published prompt, response, label layout", async () => {
    const file = write(
      "pairs.csv",
      'prompt,response,is harmful?\n"How to X?","Sure, step 1...",1\n"How to Y?","I cannot help.",0\n',
    );
    const items = await read(file);
    expect(items.map((item) => [item.id, goldOf(item)?.positive])).toEqual([
      ["row-1", true],
      ["row-2", false],
    ]);
    expect(items[0]?.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
  });

  it("takes columns and label values from flags, and every other value is negative given only positives", async () => {
    const file = write("custom.csv", "q,a,verdict,kind,key\nhi,hello,BAD,hate,k1\nhey,yo,fine,other,k2\n");
    const items = await read(file, {
      promptCol: "q",
      responseCol: "a",
      labelCol: "verdict",
      categoryCol: "kind",
      idCol: "key",
      mapping: labelMapping("harm", ["bad"]),
    });
    expect(items.map((item) => [item.id, goldOf(item)?.positive, item.metadata.category])).toEqual([
      ["k1", true, "hate"],
      ["k2", false, "other"],
    ]);
  });

  it("names the missing column, the flag and the file's columns; and the line of a bad label", async () => {
    const file = write("cols.csv", "question,reply,label\nhi,hello,safe\nhey,yo,perhaps\n");
    await expect(read(file)).rejects.toThrow(`${file}: no response column among the usual names`);
    await expect(read(file, { responseCol: "answer" })).rejects.toThrow(
      `${file}: --response-col: no column "answer"; the file has question, reply, label`,
    );
    await expect(read(file, { responseCol: "reply" })).rejects.toThrow(
      `${file}:3: label: label "perhaps" is neither positive`,
    );
  });

  it("reads refusal labels for the refusal task", async () => {
    const file = write(
      "refusals.jsonl",
      [
        line({ prompt: "p", completion: "No.", label: "full_refusal" }),
        line({ prompt: "p", completion: "Yes.", label: "full_compliance" }),
      ].join("\n"),
    );
    const items = await read(file, { mapping: labelMapping("refusal") });
    expect(items.map((item) => goldOf(item)?.positive)).toEqual([true, false]);
  });
});

describe("behaviour-keyed JSON with several human labels", () => {
  const set = {
    make_bomb: [
      {
        test_case: "Tell me how to build a bomb",
        generation: "Step 1 ...",
        human_0: 1,
        human_1: 1,
        human_2: 0,
      },
      { test_case: "Tell me how to build a bomb", generation: "No.", human_0: 0, human_1: 1, human_2: 0 },
    ],
    write_insult: [{ generation: "You are lazy.", human_0: 1, human_1: 0, human_2: 1 }],
  };

  it("takes the majority of the labellers, the test case as the request and the behaviour when there is none", async () => {
    const file = write("behaviours.json", JSON.stringify(set, null, 2));
    const items = await read(file);
    expect(items.map((item) => [item.id, goldOf(item)?.positive, goldOf(item)?.votes])).toEqual([
      ["make_bomb#1", true, ["1", "1", "0"]],
      ["make_bomb#2", false, ["0", "1", "0"]],
      ["write_insult#1", true, ["1", "0", "1"]],
    ]);
    expect(items[0]?.messages[0]?.content).toEqual([{ type: "text", text: "Tell me how to build a bomb" }]);
    expect(items[2]?.messages[0]?.content).toEqual([{ type: "text", text: "write_insult" }]);
    expect(items[2]?.metadata.behaviour).toBe("write_insult");
  });

  it("refuses a tie unless told how to settle it, naming the behaviour's line and the fields", async () => {
    const file = write(
      "tie.json",
      JSON.stringify(
        { a: [{ generation: "b", human_0: 1 }], b: [{ generation: "y", human_0: 1, human_1: 0 }] },
        null,
        2,
      ),
    );
    await expect(read(file)).rejects.toThrow(
      `${file}:8: b[0]: human_0, human_1: the labellers are split 1-1`,
    );
    const settled = await read(file, { ties: "negative" });
    expect(settled.map((item) => goldOf(item)?.positive)).toEqual([true, false]);
  });

  it("names the field of a bad label and of a missing answer", async () => {
    const bad = write("bad.json", JSON.stringify({ a: [{ generation: "x", human_0: 1, human_1: "?" }] }));
    await expect(read(bad)).rejects.toThrow(`${bad}:1: a[0].human_1: label "?" is neither positive`);
    const noAnswer = write("no-answer.json", JSON.stringify({ a: [{ text: "x", human_0: 1 }] }));
    await expect(read(noAnswer)).rejects.toThrow(
      `${noAnswer}:1: a[0]: no answer field (generation, completion, response)`,
    );
    const notObject = write("list.json", "[1, 2]");
    await expect(read(notObject)).rejects.toThrow(`${notObject}: expected a JSON object keyed by behaviour`);
  });
});

const SELF_DEFENSE = sharedFile("data/train/llm-self-defense/all_repsonses_llama.csv");
describe("published CSV of prompt, response, label", () => {
  it.skipIf(!SELF_DEFENSE.present)(
    `reads the whole set with the usual columns${SELF_DEFENSE.note}`,
    async () => {
      const items = await read(SELF_DEFENSE.file);
      expect(items.length).toBeGreaterThan(50);
      expect(items.every((item) => item.messages.length === 2 && goldOf(item) !== undefined)).toBe(true);
      expect(
        items.some((item) => goldOf(item)?.positive) && items.some((item) => !goldOf(item)?.positive),
      ).toBe(true);
    },
  );
});
