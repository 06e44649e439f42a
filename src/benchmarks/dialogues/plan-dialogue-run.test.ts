import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { RunConfigSchema } from "../../config/run-config.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { InputError } from "../../errors.ts";
import { executeDialogueRun } from "./dialogues-benchmark.ts";
import { planDialogueRun } from "./plan-dialogue-run.ts";

const root = mkdtempSync(path.join(tmpdir(), "turnsafe-plan-"));
const images = path.join(root, "data", "images");
let cases = 0;

beforeAll(async () => {
  mkdirSync(images, { recursive: true });
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#808080" } })
    .png()
    .toBuffer();
  writeFileSync(path.join(images, "ok.png"), png);
  writeFileSync(path.join(images, "broken.png"), "not an image at all");
  writeFileSync(path.join(root, "outside.png"), png);
  symlinkSync(path.join(root, "outside.png"), path.join(images, "link-out.png"));
});

const user = (content: unknown) => ({ role: "user", content });
const imageTurn = (file: string) => [
  { type: "image", image: { path: file } },
  { type: "text", text: "what is this?" },
];
const record = (id: string, content: unknown = "hello", extra: object = {}) =>
  JSON.stringify({ id, messages: [user(content)], ...extra });

/** A case folder with a data file; returns the config for it (simulator target, own store). */
function setup(lines: (string | Buffer)[], extra: Record<string, unknown> = {}) {
  const dir = path.join(root, `case-${++cases}`);
  mkdirSync(dir);
  const data = path.join(root, "data", `dialogues-${cases}.jsonl`);
  writeFileSync(
    data,
    Buffer.concat(lines.map((line) => Buffer.concat([Buffer.from(line), Buffer.from("\n")]))),
  );
  const config = RunConfigSchema.parse({
    data,
    targets: ["simulator"],
    store: path.join(dir, "store.db"),
    reportDir: path.join(dir, "reports"),
    ...extra,
  });
  return { config, store: path.join(dir, "store.db"), data, dir };
}

async function planAndRun(config: ReturnType<typeof setup>["config"], baseDir: string) {
  const planned = await planDialogueRun(config, { baseDir, env: {} });
  try {
    return { planned, outcome: await executeDialogueRun(planned.plan) };
  } finally {
    await planned.close();
  }
}

describe("planDialogueRun checks the data as it streams", () => {
  it("stops at the first bad line, keeps what was played and lists every problem", async () => {
    const { config, store, data, dir } = setup([
      record("a"),
      "{not json",
      record("b", imageTurn("images/missing.png")),
      record("c", imageTurn("images/broken.png")),
      record("a"),
      record("d", "hi", { labels: { expected: "refusal" } }),
      record("e", imageTurn("images/link-out.png")),
      record("f"),
    ]);
    const error = await planAndRun(config, dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toMatch(`${data}: 6 problems in the data; nothing from line 2 on was played:`);
    expect(message).toMatch(`${data}:2: invalid JSON`);
    expect(message).toMatch(
      `${data}:3: messages.0.content.0.image: image file ${path.join(images, "missing.png")} is not found`,
    );
    expect(message).toMatch(
      `${data}:4: messages.0.content.0.image: image ${path.join(images, "broken.png")} does not decode`,
    );
    expect(message).toMatch(`${data}:5: id: duplicate dialogue id "a" (first on line 1)`);
    expect(message).toMatch(`${data}:6: labels.expected: expected "refuse" | "comply", found "refusal"`);
    expect(message).toMatch(/:7: .*link-out\.png is outside the image folder .*--allow-outside-images/);
    // The dialogue before the bad line was played and is kept; nothing after it was played.
    const opened = new SqliteStore(store);
    const [run] = opened.listRuns();
    expect(run?.status).toBe("failed");
    expect([...opened.iterateCases(run?.id ?? "")].map((row) => [row.caseId, row.status])).toEqual([
      ["a", "done"],
    ]);
    opened.close();
  });

  it("lists at most maxProblems and counts the rest", async () => {
    const { config, dir } = setup(Array.from({ length: 60 }, (_, index) => `bad ${index}`));
    await expect(planAndRun(config, dir)).rejects.toThrow(
      /60 problems in the data; nothing was played[\s\S]*:50: invalid JSON[\s\S]*\.\.\. and 10 more$/,
    );
  });

  it("refuses an empty data file", async () => {
    const { config, data, dir } = setup([]);
    await expect(planDialogueRun(config, { baseDir: dir, env: {} })).rejects.toThrow(
      `${data}: no dialogues in the file (it is empty)`,
    );
  });

  it("refuses a FIFO as the data file instead of hanging", async () => {
    const { config, dir } = setup([]);
    const fifo = path.join(dir, "pipe.jsonl");
    execFileSync("mkfifo", [fifo]);
    await expect(planDialogueRun({ ...config, data: fifo }, { baseDir: dir, env: {} })).rejects.toThrow(
      /not a regular file \(a FIFO\)/,
    );
  }, 10_000);

  it("applies limits from the config, allows outside images when asked, and returns warnings", async () => {
    const lines = [
      record("a", imageTurn("images/ok.png")),
      record("b", imageTurn("images/link-out.png")),
      Buffer.concat([
        Buffer.from('{"id":"c","messages":[{"role":"user","content":"caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}]}'),
      ]),
    ];
    const strict = setup(lines, { limits: { maxImageBytes: 10 } });
    await expect(planAndRun(strict.config, strict.dir)).rejects.toThrow(
      /2 problems[\s\S]*ok\.png is too large \(\d+ bytes is over 10 bytes/,
    );
    const allowed = setup(lines, { allowImagesOutsideDataDir: true });
    const { planned, outcome } = await planAndRun(allowed.config, allowed.dir);
    expect(planned.warnings).toEqual([`${allowed.data}:3: invalid UTF-8, replaced with U+FFFD`]);
    expect(outcome.counts).toMatchObject({ done: 3, errored: 0 });
  }, 30_000);

  it("reads images during the run under the run's maxImageBytes", async () => {
    const { config, dir, store } = setup([record("a", imageTurn("images/ok.png"))], {
      limits: { maxImageBytes: 4096 },
    });
    const planned = await planDialogueRun(config, { baseDir: dir, env: {} });
    expect(planned.plan.imageMaxBytes).toBe(4096);
    try {
      // As if the file had grown past the cap after it was checked.
      const outcome = await executeDialogueRun({ ...planned.plan, imageMaxBytes: 10 });
      expect(outcome.counts).toMatchObject({ errored: 1 });
    } finally {
      await planned.close();
    }
    const opened = new SqliteStore(store);
    const [run] = opened.listRuns();
    expect(JSON.stringify([...opened.iterateCases(run?.id ?? "")])).toMatch(
      /ok\.png is too large \(\d+ bytes is over 10 bytes/,
    );
    opened.close();
  }, 30_000);

  it("accepts the simulator in object form, naming a wrong field", async () => {
    const { config, dir } = setup([record("a")]);
    const planned = await planDialogueRun(
      { ...config, targets: [{ provider: "simulator", model: "sim-2" }] },
      { baseDir: dir, env: {} },
    );
    expect(planned.plan.targets[0]?.id).toMatch(/sim-2/);
    await planned.close();
    await expect(
      planDialogueRun(
        { ...config, targets: [{ provider: "simulator", modle: "x" }] },
        { baseDir: dir, env: {} },
      ),
    ).rejects.toThrow("targets.0: unknown field modle (a simulator target takes script and model)");
  });
});
