import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { imageInFolder } from "./image-in-folder.ts";

describe("imageInFolder", () => {
  const root = mkdtempSync(path.join(tmpdir(), "turnsafe-image-folder-"));
  const data = path.join(root, "data");
  mkdirSync(path.join(data, "images"), { recursive: true });
  writeFileSync(path.join(data, "images", "a.png"), "x");
  writeFileSync(path.join(root, "secret.txt"), "x");
  symlinkSync(path.join(root, "secret.txt"), path.join(data, "images", "link.png"));

  it("resolves paths inside the folder", () => {
    expect(imageInFolder(data, "images/a.png", "row 1")).toBe(path.join(data, "images", "a.png"));
  });

  it("refuses ../ escapes, absolute paths and symlinks leading out, naming the row", () => {
    for (const written of ["../secret.txt", path.join(root, "secret.txt"), "images/link.png"]) {
      expect(() => imageInFolder(data, written, "row 7")).toThrow(InputError);
      expect(() => imageInFolder(data, written, "row 7")).toThrow(/row 7.*outside the image folder/);
    }
  });

  it("accepts them when allowed", () => {
    expect(imageInFolder(data, "../secret.txt", "row 1", true)).toBe(path.join(root, "secret.txt"));
  });
});
