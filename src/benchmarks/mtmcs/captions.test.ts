import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../errors.ts";
import { offlineJudgeTarget, scriptedCaller } from "../../testing/scripted-caller.ts";
import { Captioner, loadCaptionsFile } from "./captions.ts";

const image = { path: "/tmp/photo.png" };

describe("loadCaptionsFile", () => {
  it("reads an id -> caption object, a list and JSONL", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-captions-"));
    const object = path.join(dir, "captions.json");
    writeFileSync(object, JSON.stringify({ "101": "A kitchen.", "102": "A door." }));
    expect([...loadCaptionsFile(object)]).toEqual([
      ["101", "A kitchen."],
      ["102", "A door."],
    ]);
    const list = path.join(dir, "list.json");
    writeFileSync(list, JSON.stringify([{ id: 101, caption: "A kitchen." }]));
    expect(loadCaptionsFile(list).get("101")).toBe("A kitchen.");
    const lines = path.join(dir, "captions.jsonl");
    writeFileSync(lines, '{"id": 7, "caption": "A park."}\n\n{"id": "8", "caption": "A car."}\n');
    expect([...loadCaptionsFile(lines).keys()]).toEqual(["7", "8"]);
    writeFileSync(lines, '{"id": 7}\n');
    expect(() => loadCaptionsFile(lines)).toThrow(`${lines}:1: expected {"id": ..., "caption": "..."}`);
    expect(() => loadCaptionsFile(path.join(dir, "none.json"))).toThrow(InputError);
  });
});

describe("Captioner", () => {
  it("prefers supplied captions and captions each photo once", async () => {
    const { caller, calls } = scriptedCaller("  A wooden door.  ");
    const captioner = new Captioner({
      supplied: new Map([["1", "Given caption."]]),
      target: offlineJudgeTarget({ vision: true }),
    });
    expect(await captioner.caption("1", "key-1", image, caller)).toEqual({
      caption: "Given caption.",
      source: "file",
      error: null,
    });
    const [first, second] = await Promise.all([
      captioner.caption("2", "key-2", image, caller),
      captioner.caption("2", "key-2", image, caller),
    ]);
    expect(first).toEqual({ caption: "A wooden door.", source: "model", error: null });
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ role: "captioner", step: "caption" });
    expect(calls[0]?.request.messages[0]?.content[0]).toEqual({ type: "image", image });
  });

  it("reports a missing caption instead of inventing one", async () => {
    const failing = scriptedCaller(new Error("down"));
    const captioner = new Captioner({ target: offlineJudgeTarget({ vision: true }) });
    expect(await captioner.caption("3", "k", image, failing.caller)).toEqual({
      caption: null,
      source: "model",
      error: "down",
    });
    expect(await new Captioner({}).caption("3", "k", image, failing.caller)).toMatchObject({
      caption: null,
      source: "none",
    });
  });
});
