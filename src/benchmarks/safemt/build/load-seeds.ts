import path from "node:path";
import { parseCsv } from "../../../dialogue/csv.ts";
import { MAX_WHOLE_FILE_BYTES, readSmallTextFile } from "../../../dialogue/read-small-text-file.ts";
import { InputError } from "../../../errors.ts";
import { scenarioFor } from "./seed-scenario.ts";

/** One harmful query to build dialogues from. */
export interface Seed {
  /** Where it came from: `file:line`. */
  source: string;
  query: string;
  /** SafeMT scenario string (mapped from HarmBench categories, Illegal Activity when absent). */
  scenario: string;
  /** Absolute path of the seed's own image, when it has one. */
  image?: string;
}

/** Header names (lowercased) that hold the query, in order of preference. */
const QUERY_COLUMNS = ["query", "goal", "behavior", "question", "prompt"];
const SCENARIO_COLUMNS = ["scenario", "semanticcategory", "category"];
const IMAGE_COLUMNS = ["image", "image_path"];

/**
 * Reads seeds from CSV or JSONL (by extension: `.jsonl`/`.json` lines, anything else CSV).
 * The query comes from `query`, `goal` (AdvBench), `Behavior` (HarmBench), `question` or
 * `prompt`; the scenario from `scenario` or HarmBench's `SemanticCategory`; the image from
 * `image` (relative to the seed file). Errors name the file and line.
 */
export function loadSeeds(file: string): Seed[] {
  const text = readSmallTextFile(file, MAX_WHOLE_FILE_BYTES);
  const rows = /\.jsonl?$/i.test(file) ? jsonRows(text, file) : csvRows(text, file);
  const baseDir = path.dirname(path.resolve(file));
  const seeds: Seed[] = [];
  for (const { line, row } of rows) {
    const where = `${file}:${line}`;
    const query = pick(row, QUERY_COLUMNS);
    if (query === undefined)
      throw new InputError(`no query column (expected one of ${QUERY_COLUMNS.join(", ")})`, where);
    if (query.trim() === "") throw new InputError("the query is empty", where);
    const seed: Seed = {
      source: where,
      query: query.trim(),
      scenario: scenarioFor(pick(row, SCENARIO_COLUMNS)),
    };
    const image = pick(row, IMAGE_COLUMNS)?.trim();
    if (image) {
      if (/^[a-z]+:\/\//i.test(image))
        throw new InputError("image must be a file path (download URLs first)", where);
      seed.image = path.resolve(baseDir, image);
    }
    seeds.push(seed);
  }
  if (seeds.length === 0) throw new InputError("no seeds in the file", file);
  return seeds;
}

type Row = { line: number; row: Record<string, string> };

function pick(row: Record<string, string>, columns: readonly string[]): string | undefined {
  for (const column of columns) if (row[column] !== undefined) return row[column];
  return undefined;
}

function csvRows(text: string, file: string): Row[] {
  return parseCsv(text, file).map(({ line, values }) => {
    // Column names are matched case-insensitively; the first of two same-named columns wins.
    const row: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) {
      const key = name.toLowerCase();
      if (key !== "" && row[key] === undefined) row[key] = value;
    }
    return { line, row };
  });
}

function jsonRows(text: string, file: string): Row[] {
  const rows: Row[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new InputError(`invalid JSON (${(error as Error).message})`, `${file}:${index + 1}`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new InputError("each line must be a JSON object", `${file}:${index + 1}`);
    const row: Record<string, string> = {};
    for (const [key, field] of Object.entries(value))
      if (typeof field === "string") row[key.trim().toLowerCase()] = field;
    rows.push({ line: index + 1, row });
  });
  return rows;
}
