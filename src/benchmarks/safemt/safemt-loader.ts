import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { imageInFolder } from "../../dialogue/image-in-folder.ts";
import { DEFAULT_INPUT_LIMITS } from "../../dialogue/input-limits.ts";
import { tooDeepAt, tooDeepMessage } from "../../dialogue/json-depth.ts";
import { formatZodError } from "../../dialogue/jsonl.ts";
import { MAX_WHOLE_FILE_BYTES, readSmallTextFile } from "../../dialogue/read-small-text-file.ts";
import { InputError } from "../../errors.ts";
import {
  type RecordQuirks,
  recordImagePath,
  recordLayout,
  recordToDialogue,
  SafemtRecordSchema,
  userTurns,
} from "./safemt-record.ts";

/** Options of the SafeMT loader. */
export interface SafemtLoadOptions {
  /** Lengths to load (default: every `N_turn.json` in the folder). */
  lengths?: readonly number[];
  /** Leave out samples whose image is missing (default: an InputError listing them). */
  skipMissingImages?: boolean;
  /** Only the first n sample ids (each at every loaded length). */
  limit?: number;
  /** Accept image paths that resolve outside the dataset folder (refused by default). */
  allowOutsideImages?: boolean;
}

/** An image a record names that is not on disk. */
export interface MissingImage {
  sampleId: string;
  length: number;
  /** As written in the record. */
  imagePath: string;
  /** Where it was looked for. */
  resolved: string;
}

/** One data file that was read. */
export interface SafemtFile {
  length: number;
  file: string;
  records: number;
}

/** A loaded SafeMT folder: canonical dialogues plus what was found on the way. */
export interface SafemtDataset {
  folder: string;
  layout: "github" | "huggingface" | "mixed";
  lengths: number[];
  files: SafemtFile[];
  /** Sample by sample, each at every loaded length, so a partial run stays balanced across lengths. */
  dialogues: Dialogue[];
  samples: number;
  /** Missing images (their samples were skipped when `skipMissingImages` was on). */
  missingImages: MissingImage[];
  /** Things worth knowing that did not stop loading (quirks tidied, turn counts off). */
  notes: string[];
  /** sha256 over the loaded files' bytes, so changed data gets a new run id. */
  contentHash: string;
}

const DATA_FILE = /^(\d+)_turns?\.(json|jsonl)$/i;
const IMAGE_EXTENSIONS = [".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG", ".webp"];
const MAX_LISTED = 20;

/**
 * Loads a SafeMT data folder in the GitHub layout (`1_turn.json`, `2_turn.json`, ... JSON
 * arrays) or the Hugging Face one (`image_rel_path`, dialogue as a JSON string; `.jsonl` files
 * also read). Broken records are rejected naming file, record index, id and field; images are
 * referenced by path and only checked for existence here.
 */
export async function loadSafemtData(
  folder: string,
  options: SafemtLoadOptions = {},
): Promise<SafemtDataset> {
  const root = path.resolve(folder);
  const available = await listDataFiles(root);
  const wanted = options.lengths
    ? [...new Set(options.lengths)].sort((a, b) => a - b)
    : [...available.keys()];
  const absent = wanted.filter((length) => !available.has(length));
  if (absent.length > 0)
    throw new InputError(
      `no data file for length(s) ${absent.join(", ")} (found: ${[...available.values()].map((file) => path.basename(file)).join(", ")})`,
      root,
    );
  const hash = createHash("sha256");
  const quirks: RecordQuirks = { emptyUserTurns: 0, trimmedTurns: 0, imageTokens: 0 };
  const notes: string[] = [];
  const layouts = new Set<"github" | "huggingface">();
  const files: SafemtFile[] = [];
  const bySample = new Map<string, Map<number, Dialogue>>();
  const offLength: string[] = [];
  for (const length of wanted) {
    const file = available.get(length) ?? "";
    const bytes = Buffer.from(readSmallTextFile(file, MAX_WHOLE_FILE_BYTES), "utf8");
    hash.update(`${path.basename(file)}\n`).update(bytes);
    const values = parseDataFile(bytes.toString("utf8"), file);
    const seen = new Set<string>();
    values.forEach((value, index) => {
      const rawId = (value as { id?: unknown } | null)?.id;
      const where = `${file} record ${index}${typeof rawId === "string" || typeof rawId === "number" ? ` (id ${rawId})` : ""}`;
      const deep = tooDeepAt(value, DEFAULT_INPUT_LIMITS.maxDepth);
      if (deep !== undefined)
        throw new InputError(tooDeepMessage(deep, DEFAULT_INPUT_LIMITS.maxDepth), where);
      const parsed = SafemtRecordSchema.safeParse(value);
      if (!parsed.success)
        throw new InputError(formatZodError(parsed.error, value, SafemtRecordSchema), where);
      const record = parsed.data;
      if (seen.has(record.id)) throw new InputError(`duplicate id "${record.id}" in this file`, where);
      seen.add(record.id);
      layouts.add(recordLayout(record));
      const turns = userTurns(record);
      if (turns !== length && offLength.length < MAX_LISTED) offLength.push(`${record.id} (${turns})`);
      let lengths = bySample.get(record.id);
      if (!lengths) {
        lengths = new Map();
        bySample.set(record.id, lengths);
      }
      lengths.set(length, recordToDialogue(record, length, recordImagePath(record), quirks));
    });
    files.push({ length, file, records: values.length });
  }
  if (offLength.length > 0)
    notes.push(
      `some records have a different number of user turns than their file's length (kept at the file's length): ${offLength.join(", ")}`,
    );
  let sampleIds = [...bySample.keys()];
  if (sampleIds.length === 0)
    throw new InputError(
      `no records in ${files.map((entry) => path.basename(entry.file)).join(", ")} (empty)`,
      root,
    );
  if (options.limit !== undefined) sampleIds = sampleIds.slice(0, options.limit);
  const { missing, renamed } = await checkImages(root, sampleIds, bySample, options.allowOutsideImages);
  const missingSamples = new Set(missing.map((entry) => entry.sampleId));
  if (missing.length > 0 && !options.skipMissingImages) throw missingImagesError(root, missing);
  if (missing.length > 0)
    notes.push(
      `${missingSamples.size} samples skipped because their image is missing (${missing.length} records)`,
    );
  if (renamed > 0)
    notes.push(
      `${renamed} image paths were found on disk under another extension (.jpg/.jpeg/.png) and used`,
    );
  if (quirks.emptyUserTurns > 0) notes.push(`${quirks.emptyUserTurns} empty user turns kept as empty text`);
  if (quirks.imageTokens > 0)
    notes.push(`${quirks.imageTokens} leftover <image> tokens removed from turn text`);
  const dialogues: Dialogue[] = [];
  for (const sampleId of sampleIds) {
    if (missingSamples.has(sampleId)) continue;
    for (const length of wanted) {
      const dialogue = bySample.get(sampleId)?.get(length);
      if (dialogue) dialogues.push(dialogue);
    }
  }
  return {
    folder: root,
    layout: layouts.size > 1 ? "mixed" : layouts.has("huggingface") ? "huggingface" : "github",
    lengths: wanted,
    files,
    dialogues,
    samples: sampleIds.filter((id) => !missingSamples.has(id)).length,
    missingImages: missing,
    notes,
    contentHash: hash.digest("hex"),
  };
}

/**
 * The record ids of one length's data file, in file order (labels stored as a bare list are
 * aligned with them). Records are not validated beyond having an id.
 */
export async function readSafemtIds(folder: string, length: number): Promise<string[]> {
  const root = path.resolve(folder);
  const file = (await listDataFiles(root)).get(length);
  if (file === undefined) throw new InputError(`no data file for length ${length}`, root);
  return parseDataFile(readSmallTextFile(file, MAX_WHOLE_FILE_BYTES), file).map((value, index) => {
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id !== "string" && typeof id !== "number")
      throw new InputError("id: missing", `${file} record ${index}`);
    return String(id);
  });
}

async function listDataFiles(root: string): Promise<Map<number, string>> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    throw new InputError("cannot read the SafeMT data folder", root);
  }
  const found = new Map<number, string>();
  for (const name of names.sort()) {
    const match = DATA_FILE.exec(name);
    if (!match) continue;
    const length = Number(match[1]);
    if (found.has(length))
      throw new InputError(
        `two data files for length ${length}: ${path.basename(found.get(length) ?? "")} and ${name}`,
        root,
      );
    found.set(length, path.join(root, name));
  }
  if (found.size === 0)
    throw new InputError(
      "no SafeMT data files here: expected 1_turn.json, 2_turn.json, 4_turn.json, ... (JSON arrays of records)",
      root,
    );
  return new Map([...found].sort(([a], [b]) => a - b));
}

/** A JSON array file, or JSON lines (one record a line). */
function parseDataFile(text: string, file: string): unknown[] {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  let whole: unknown;
  let wholeError: Error | undefined;
  try {
    whole = JSON.parse(trimmed);
  } catch (error) {
    wholeError = error as Error;
  }
  if (Array.isArray(whole)) return whole;
  if (wholeError === undefined && !(typeof whole === "object" && whole !== null && "id" in whole))
    throw new InputError("expected a JSON array of records (or one record per line)", file);
  if (trimmed.startsWith("[")) throw new InputError(`invalid JSON (${wholeError?.message})`, file);
  const values: unknown[] = [];
  trimmed.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      throw new InputError(
        `invalid JSON (${(error as Error).message}); expected a JSON array or one record per line`,
        `${file}:${index + 1}`,
      );
    }
  });
  return values;
}

/** Checks every referenced image once; a path missing as written may exist under another extension. */
async function checkImages(
  root: string,
  sampleIds: readonly string[],
  bySample: Map<string, Map<number, Dialogue>>,
  allowOutside = false,
): Promise<{ missing: MissingImage[]; renamed: number }> {
  const resolvedPaths = new Map<string, Promise<string | null>>();
  const missing: MissingImage[] = [];
  let renamed = 0;
  for (const sampleId of sampleIds) {
    for (const [length, dialogue] of bySample.get(sampleId) ?? []) {
      const part = dialogue.messages[0]?.content[0];
      if (part?.type !== "image" || part.image.path === undefined) continue;
      const written = part.image.path;
      imageInFolder(root, written, `sample ${sampleId} (${length} turns): image`, allowOutside);
      let lookup = resolvedPaths.get(written);
      if (!lookup) {
        lookup = findImage(root, written);
        resolvedPaths.set(written, lookup);
      }
      const found = await lookup;
      if (found === null)
        missing.push({ sampleId, length, imagePath: written, resolved: path.resolve(root, written) });
      else if (found !== written) {
        part.image = { path: found };
        renamed++;
      }
    }
  }
  return { missing, renamed };
}

async function findImage(root: string, written: string): Promise<string | null> {
  if (await isFile(path.resolve(root, written))) return written;
  const extension = path.extname(written);
  const stem = written.slice(0, written.length - extension.length);
  for (const candidate of IMAGE_EXTENSIONS) {
    if (candidate === extension) continue;
    if (await isFile(path.resolve(root, stem + candidate))) return stem + candidate;
  }
  return null;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function missingImagesError(root: string, missing: MissingImage[]): InputError {
  const listed = missing
    .slice(0, MAX_LISTED)
    .map((entry) => `${entry.sampleId}@${entry.length}: ${entry.imagePath} (looked for ${entry.resolved})`);
  const more = missing.length > MAX_LISTED ? `\n  ... and ${missing.length - MAX_LISTED} more` : "";
  return new InputError(
    `${missing.length} records name images that are not on disk:\n  ${listed.join("\n  ")}${more}\n` +
      "Fix the paths, or pass --skip-missing-images (skipMissingImages) to leave those samples out.",
    root,
  );
}
