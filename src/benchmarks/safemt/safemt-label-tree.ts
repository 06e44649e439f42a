import { existsSync, statSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../../errors.ts";
import type { LengthOutcome } from "../../metrics/safety-index.ts";
import {
  type ImportedLabels,
  isRecord,
  type LabelImportOptions,
  listOutcomes,
  parseLengthKey,
} from "./safemt-labels.ts";
import { readSafemtIds } from "./safemt-loader.ts";

/** The folder layout the SafeMT evaluation scripts write, for errors that name it. */
export const LABEL_TREE_LAYOUT =
  "<base_dir>/<k>/label/<model>.json: one folder per length k, each file a list of {id, safety_label}";

/**
 * Reads the published scorer's own output tree, `<baseDir>/<k>/label/<model>.json` (one folder per
 * length, each file a list of `{id, safety_label}`). With `model` only that model is read, else
 * every model found (one result each). A length without the model's file is left out with a note
 * (the Safety Index then follows its missing-length policy); unreadable labels count as unparsed.
 */
export async function importSafemtLabelTree(
  baseDir: string,
  options: LabelImportOptions = {},
): Promise<ImportedLabels> {
  const root = path.resolve(baseDir);
  const labelDirs = await findLabelDirs(root);
  const found = new Map<number, Set<string>>();
  for (const [length, dir] of labelDirs)
    found.set(
      length,
      new Set(
        (await readdir(dir))
          .filter((name) => name.endsWith(".json"))
          .map((name) => name.slice(0, -".json".length)),
      ),
    );
  const allModels = [...new Set([...found.values()].flatMap((models) => [...models]))].sort();
  if (options.model !== undefined && !allModels.includes(options.model))
    throw new InputError(
      `no label/${options.model}.json in any length folder; found: ${allModels.join(", ") || "none"}`,
      "--model",
    );
  const models = options.model !== undefined ? [options.model] : allModels;
  if (models.length === 0) throw new InputError(`no label files (${LABEL_TREE_LAYOUT})`, root);
  const results = new Map<string, LengthOutcome[]>();
  const notes: string[] = [];
  let positional = false;
  const idsByLength = new Map<number, string[]>();
  for (const model of models) {
    const outcomes: LengthOutcome[] = [];
    for (const [length, dir] of labelDirs) {
      const file = path.join(dir, `${model}.json`);
      if (!found.get(length)?.has(model)) {
        notes.push(`${model}: no labels for length ${length} (${file} is missing)`);
        continue;
      }
      const labels = await readLabelList(file);
      let ids: string[] | undefined;
      if (options.dataDir !== undefined && labels.some((label) => !isRecord(label))) {
        ids = idsByLength.get(length) ?? (await readSafemtIds(options.dataDir, length));
        idsByLength.set(length, ids);
        if (ids.length !== labels.length)
          throw new InputError(
            `${labels.length} labels but ${ids.length} records in the data file of length ${length}`,
            file,
          );
      }
      const listed = listOutcomes(labels, length, file, ids);
      outcomes.push(...listed.outcomes);
      positional ||= listed.positional;
    }
    results.set(model, outcomes);
  }
  if (positional)
    notes.push(
      "labels given as bare lists were matched across lengths by position (#0, #1, ...); pass --data to use the data files' ids",
    );
  return { format: "published-tree", results, notes };
}

/** The `<k>/label` folders under `root`, by length, shortest first. */
async function findLabelDirs(root: string): Promise<Map<number, string>> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    throw new InputError("cannot read the labels folder", root);
  }
  const dirs = new Map<number, string>();
  for (const name of names.sort()) {
    const length = parseLengthKey(name);
    const dir = path.join(root, name, "label");
    if (length === null || !existsSync(dir) || !statSync(dir).isDirectory()) continue;
    const other = dirs.get(length);
    if (other !== undefined)
      throw new InputError(`two folders for length ${length}: ${other} and ${dir}`, root);
    dirs.set(length, dir);
  }
  if (dirs.size === 0) throw new InputError(`no <k>/label folders here (${LABEL_TREE_LAYOUT})`, root);
  return new Map([...dirs].sort(([a], [b]) => a - b));
}

async function readLabelList(file: string): Promise<unknown[]> {
  let value: unknown;
  try {
    value = JSON.parse((await readFile(file, "utf8")).replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new InputError(`not readable JSON (${(error as Error).message})`, file);
  }
  if (!Array.isArray(value))
    throw new InputError(`expected a list of {id, safety_label} (${LABEL_TREE_LAYOUT})`, file);
  return value;
}
