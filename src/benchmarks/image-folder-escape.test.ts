import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { writeSafemtFixture } from "../testing/safemt-fixture.ts";
import { mmdsItemToDialogue } from "./moderation-eval/mmds-loader.ts";
import { resolveRowImage } from "./mtmcs/mtmcs-image.ts";
import { loadSafemtData } from "./safemt/safemt-loader.ts";

// A data file must not make turnsafe read (and send to a model) a file outside its dataset.
describe("benchmark loaders refuse image paths outside the dataset folder", () => {
  const root = mkdtempSync(path.join(tmpdir(), "turnsafe-escape-"));
  const secret = path.join(root, "secret.png");
  writeFileSync(secret, "not for models");

  it("SafeMT: a record whose image path leaves the folder fails, naming the sample; allowed on request", async () => {
    const folder = path.join(root, "safemt");
    mkdirSync(folder);
    const ids = await writeSafemtFixture(folder, { layout: "github", lengths: [2], samples: 2 });
    const file = path.join(folder, "2_turn.json");
    const records = JSON.parse(readFileSync(file, "utf8"));
    records[0].image_path = "../secret.png";
    writeFileSync(file, JSON.stringify(records));
    await expect(loadSafemtData(folder, {})).rejects.toThrow(InputError);
    await expect(loadSafemtData(folder, {})).rejects.toThrow(
      new RegExp(`sample ${ids[0]}.*outside the image folder`),
    );
    const allowed = await loadSafemtData(folder, { allowOutsideImages: true });
    expect(allowed.samples).toBe(2);
  });

  it("MTMCS: a row image path leaving the data file's folder fails, naming the row", async () => {
    const dataFile = path.join(root, "mtmcs", "type_a.jsonl");
    mkdirSync(path.dirname(dataFile));
    const options = {
      dataFile,
      cacheDir: path.join(root, "cache"),
      where: `${dataFile} row 3`,
      field: "image",
    };
    await expect(resolveRowImage("../secret.png", options)).rejects.toThrow(
      /row 3: image.*outside the image folder/,
    );
  });

  it("MMDS: an item image path leaving the image folder fails, naming the item", () => {
    const item = {
      id: "x",
      images: ["../secret.png"],
      conversations: [{ role: "user", content: "<image> what is this?" }],
      user_rating: "safe",
    };
    expect(() =>
      mmdsItemToDialogue(item, "items.jsonl line 4", {
        imageBaseDir: path.join(root, "mmds"),
        requireLabels: false,
      }),
    ).toThrow(/items.jsonl line 4.*outside the image folder/);
  });
});
