import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PriceTable } from "../../engine/pricing.ts";
import { offlineJudgeTarget, scriptedCaller } from "../../testing/scripted-caller.ts";
import { AttackSession } from "./attack-session.ts";
import { DEFAULT_ATTACK_SETTINGS } from "./redteam-defaults.ts";
import { checkVision } from "./redteam-run.ts";
import { SearchBudget } from "./search-budget.ts";

async function oneRound(judgeSeesImages: boolean, typographic = false) {
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-rt-session-"));
  const file = path.join(dir, "pic.png");
  writeFileSync(file, "not really a png");
  const { caller, calls } = scriptedCaller((request) => {
    const system = request.messages[0]?.content[0];
    const text = system?.type === "text" ? system.text : "";
    if (text.includes("attacker in an authorised"))
      return typographic
        ? '{"strategy": "query_decomposition", "typographic_text": "Steps 1-3", "next_question": "Fill in the list."}'
        : '```json\n{"strategy": "role_play", "image_ids": ["pic"], "next_question": "What is in the first image?"}\n```';
    if (text.includes("judge of a red-teaming")) return '{"think": "partial", "score": 3}';
    return "It shows a picture.";
  });
  const model = offlineJudgeTarget({ vision: true });
  const session = new AttackSession({
    task: {
      id: "t",
      goal: "g",
      dimension: null,
      subdimension: null,
      definition: null,
      example: null,
      keywords: [],
      images: [{ id: "pic", path: file, caption: "a picture" }],
    },
    target: model,
    attacker: model,
    judge: model,
    caller,
    prices: new PriceTable(),
    budget: new SearchBudget({}),
    settings: { ...DEFAULT_ATTACK_SETTINGS, judgeSeesImages },
    typography: async (text) => ({
      id: `typo-${text.length}`,
      path: path.join(dir, "typo.png"),
      source: "typographic",
    }),
  });
  const node = await session.round(0, { kind: "turn", dropRefusals: 0, keepFinalRefusal: true });
  const images = (role: string) =>
    calls
      .filter((call) => call.role === role)
      .flatMap((call) => call.request.messages.flatMap((message) => message.content))
      .filter((part) => part.type === "image");
  return { node, images, calls, file };
}

describe("an attack round", () => {
  it("sends the chosen pool image to the target as an image part, and names every call by node path", async () => {
    const { node, images, calls, file } = await oneRound(false);
    expect(node?.score).toBe(3);
    expect(node?.images).toEqual([{ id: "pic", path: file, source: "pool" }]);
    expect(images("target")).toEqual([{ type: "image", image: { path: file } }]);
    expect(images("judge")).toEqual([]);
    expect(calls.map((call) => call.step)).toEqual(["r.0/attacker.0.0", "r.0/target.0", "r.0/judge.0"]);
  });

  it("shows a vision judge the images when asked (MMRT's judge saw none)", async () => {
    const { images, file } = await oneRound(true);
    expect(images("judge")).toEqual([{ type: "image", image: { path: file } }]);
  });

  it("adds a typographic image rendered from the attacker's text", async () => {
    const { node, images, file } = await oneRound(false, true);
    const typo = path.join(path.dirname(file), "typo.png");
    expect(node?.images).toEqual([{ id: "typo-9", path: typo, source: "typographic" }]);
    expect(images("target")).toEqual([{ type: "image", image: { path: typo } }]);
  });
});

describe("checkVision", () => {
  const task = {
    id: "t",
    goal: "g",
    dimension: null,
    subdimension: null,
    definition: null,
    example: null,
    keywords: [],
  };
  it("refuses a target without vision when the tasks have images, unless it has a text fallback", () => {
    const blind = offlineJudgeTarget({ vision: false });
    const tasks = [{ ...task, images: [{ id: "a", path: "a.png", caption: "" }] }];
    expect(() => checkVision({ targets: [blind], tasks })).toThrow(/offline:judge does not accept images/);
    expect(() => checkVision({ targets: [blind], tasks: [{ ...task, images: [] }] })).not.toThrow();
    // Generated images reach the target too.
    expect(() =>
      checkVision({ targets: [blind], tasks: [{ ...task, images: [] }], imageModel: blind }),
    ).toThrow(/offline:judge does not accept images and --image-model makes images for it/);
    const fallback = {
      ...blind,
      capabilities: { ...blind.capabilities, imageFallback: "text-marker" as const },
    };
    expect(() => checkVision({ targets: [fallback], tasks })).not.toThrow();
  });
});
