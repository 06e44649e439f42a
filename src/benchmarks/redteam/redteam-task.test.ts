import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRedteamTasks } from "./redteam-task.ts";

function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-rt-tasks-"));
  mkdirSync(path.join(dir, "images", "7"), { recursive: true });
  writeFileSync(path.join(dir, "images", "7", "k1.png"), "png");
  writeFileSync(path.join(dir, "a.png"), "png");
  return dir;
}

const mmrt = {
  id: 7,
  dimension: "Violence",
  subdimension: "Weapons",
  definition: "d",
  example: "e",
  malicious_intent: "Get the task done",
  keywords: [{ text: "knife", image_id: "k1", caption: "a kitchen knife" }],
};

describe("loadRedteamTasks", () => {
  it("reads MMRT tasks (images at images/<task>/<image>) and plain ones", async () => {
    const dir = folder();
    const file = path.join(dir, "tasks.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify(mmrt)}\n${JSON.stringify({ id: "p", goal: "a goal", images: ["a.png"] })}\n`,
    );
    const [first, second] = await loadRedteamTasks(file);
    expect(first).toMatchObject({
      id: "7",
      goal: "Get the task done",
      dimension: "Violence",
      keywords: ["knife"],
    });
    expect(first?.images).toEqual([
      { id: "k1", path: path.join(dir, "images", "7", "k1.png"), caption: "a kitchen knife" },
    ]);
    expect(second?.images).toEqual([{ id: "img1", path: path.join(dir, "a.png"), caption: "a.png" }]);
  });

  it("names the file, line and field of a missing image, a missing goal and a duplicate id", async () => {
    const dir = folder();
    const file = path.join(dir, "tasks.jsonl");
    const missing = { ...mmrt, keywords: [{ text: "x", image_id: "nope", caption: "" }] };
    writeFileSync(file, `${JSON.stringify({ id: "p", goal: "g" })}\n${JSON.stringify(missing)}\n`);
    await expect(loadRedteamTasks(file)).rejects.toThrow(
      /tasks\.jsonl:2.*keywords\.0\.image_id: no image file/,
    );
    writeFileSync(
      file,
      `${JSON.stringify({ id: "p", goal: "g" })}\n${JSON.stringify({ id: "q", gaol: "g" })}\n`,
    );
    await expect(loadRedteamTasks(file)).rejects.toThrow(/tasks\.jsonl:2.*goal/);
    writeFileSync(
      file,
      `${JSON.stringify({ id: "p", goal: "g" })}\n${JSON.stringify({ id: "p", goal: "h" })}\n`,
    );
    await expect(loadRedteamTasks(file)).rejects.toThrow(/tasks\.jsonl:2.*already used on line 1/);
  });
});
