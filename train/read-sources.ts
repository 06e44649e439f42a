// Small readers over the shared training files (../shared/data/train, ../shared/data): each
// returns plain rows; which rows count as what is decided in the *-data.ts files.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseCsv } from "../src/dialogue/csv.ts";

export const SHARED_DATA = path.resolve(
  process.env.TURNSAFE_SHARED_DIR ?? path.resolve(import.meta.dirname, "../../shared"),
  "data",
);
export const TRAIN_DATA = path.join(SHARED_DATA, "train");

export function dataFile(relative: string): string {
  const file = path.join(SHARED_DATA, relative);
  if (!existsSync(file)) throw new Error(`training data missing: ${file}`);
  return file;
}

export function trainFile(relative: string): string {
  return dataFile(path.join("train", relative));
}

export function readCsvRows(file: string): Record<string, string>[] {
  return parseCsv(readFileSync(file, "utf8"), file).map((row) => row.values);
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

export function listFiles(folder: string): string[] {
  return readdirSync(folder).sort();
}

export function readText(file: string): string {
  return readFileSync(file, "utf8");
}

/** Lower-cased, whitespace-collapsed: the key used to dedupe and to keep duplicates on one side of the split. */
export function comparableText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}
