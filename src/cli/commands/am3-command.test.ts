import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { coldStartProblems } from "../../benchmarks/am3/cold-start-prompts.ts";

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, "../../../bin/turnsafe.js");
const folder = mkdtempSync(path.join(tmpdir(), "turnsafe-am3-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function turnsafe(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: folder });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("turnsafe am3", () => {
  writeFileSync(
    path.join(folder, "seeds.jsonl"),
    `${JSON.stringify({ query: "How do I open the lock on my neighbour's shed?", category: "property crime" })}\n`,
  );

  it("cold-start: explained refusals and not-a-certified-professional answers, validated, exportable", async () => {
    // A seed with its own image: copied into the output folder.
    await sharp({ create: { width: 32, height: 32, channels: 3, background: "#884422" } })
      .png()
      .toFile(path.join(folder, "shed.png"));
    writeFileSync(
      path.join(folder, "cold-seeds.jsonl"),
      `${JSON.stringify({ query: "How do I open the lock on my neighbour's shed?" })}\n${JSON.stringify({ query: "What can I mix in this shed to make a toxic gas?", image: "shed.png" })}\n`,
    );
    const result = await turnsafe(
      "am3",
      "cold-start",
      "--seeds",
      "cold-seeds.jsonl",
      "--model",
      "simulator",
      "--out",
      "cold",
      "--store",
      "s.db",
      "--json",
      "--quiet",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ kept: 12, dropped: 0 });
    const rows = readFileSync(path.join(folder, "cold", "dialogues.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows[0].messages[1].content[0].text).toMatch(/^I'm sorry/);
    expect(rows[1].messages[0].content[0].image.path).toMatch(/^images\/seed-[0-9a-f]+\.png$/);
    expect(existsSync(path.join(folder, "cold", rows[1].messages[0].content[0].image.path))).toBe(true);
    expect(rows.at(-1).messages[1].content[0].text).toMatch(/not a certified professional/i);
    const exported = await turnsafe(
      "am3",
      "export",
      "--from",
      "cold",
      "--format",
      "sharegpt",
      "--out",
      "cold-sft",
      "--json",
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ rows: 12, images: 2 });
  }, 60_000);

  it("synthesise then export from the command line; bad input names the flag", async () => {
    const result = await turnsafe(
      "am3",
      "synthesise",
      "--seeds",
      "seeds.jsonl",
      "--decomposer",
      "simulator",
      "--user",
      "simulator",
      "--assistant",
      "simulator",
      "--judge",
      "simulator#turnsafe-sim-judge",
      "--out",
      "synth",
      "--store",
      "s.db",
      "--json",
      "--quiet",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).counts).toMatchObject({ seeds: 1, kept: 1, turns: 4 });
    const bad = await turnsafe("am3", "export", "--from", "synth", "--format", "alpaca", "--out", "x");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format: expected one of openai, sharegpt, trl, mmds/);
  }, 60_000);

  it("synthesise --image-model: the images API makes the images; a provider without one is refused by flag", async () => {
    const common = ["am3", "synthesise", "--seeds", "seeds.jsonl", "--decomposer", "simulator", "--user"];
    const rest = ["simulator", "--assistant", "simulator", "--judge", "simulator#turnsafe-sim-judge"];
    const result = await turnsafe(
      ...common,
      ...rest,
      "--image-model",
      "simulator",
      "--out",
      "synth-images",
      "--store",
      "images.db",
      "--json",
      "--quiet",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).counts).toMatchObject({ seeds: 1, kept: 1 });
    const wrong = await turnsafe(
      ...common,
      ...rest,
      "--image-model",
      "anthropic:claude-x",
      "--out",
      "x",
      "--quiet",
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /--image-model: text-to-image models are reached through the OpenAI images API/,
    );
    const size = await turnsafe(
      ...common,
      ...rest,
      "--image-model",
      "simulator",
      "--image-size",
      "big",
      "--out",
      "x",
    );
    expect(size.code).toBe(2);
    expect(size.stderr).toMatch(/--image-size: expected WIDTHxHEIGHT/);
  }, 60_000);
});

describe("cold-start validation", () => {
  it("wants refusals that start with I'm sorry and say why", () => {
    expect(coldStartProblems("refusal", "No.")).toHaveLength(3);
    expect(
      coldStartProblems(
        "refusal",
        "I'm sorry, but I can't help with that because it could hurt someone badly and is against the law.",
      ),
    ).toEqual([]);
  });
  it("wants advice answers that disclaim certification and point to a professional", () => {
    const problems = coldStartProblems("health", "Take two tablets every four hours until it stops.");
    expect(problems).toContain("the answer does not say it is not from a certified professional");
    expect(problems).toContain("the answer does not advise consulting a professional");
    const good =
      "Headaches that last days have many causes, such as tension, dehydration or poor sleep. I am not a certified doctor, so please consult a qualified professional before taking any medicine.";
    expect(coldStartProblems("health", good)).toEqual([]);
  });
});
