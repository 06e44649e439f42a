import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";
import { z } from "zod";
import type { ImageRef } from "../../dialogue/dialogue.ts";
import { readJsonl } from "../../dialogue/jsonl.ts";
import { MAX_WHOLE_FILE_BYTES, readSmallTextFile } from "../../dialogue/read-small-text-file.ts";
import { InputError } from "../../errors.ts";
import { resolveRowImage } from "./mtmcs-image.ts";
import {
  MTMCS_SPLITS,
  type MtmcsModality,
  type MtmcsRow,
  type MtmcsSplit,
  parseMtmcsRow,
} from "./mtmcs-row.ts";

export type MtmcsFileFormat = "jsonl" | "json" | "parquet";

/** One data file of an export and the split it holds. */
export interface MtmcsSource {
  file: string;
  split: MtmcsSplit;
  format: MtmcsFileFormat;
}

/** A validated row with its photo resolved (null when only the text-only modality was asked for). */
export interface LoadedMtmcsRow extends MtmcsRow {
  image: ImageRef | null;
}

export interface ReadMtmcsOptions {
  modalities: readonly MtmcsModality[];
  /** Where embedded images are written, one file per distinct image (by sha256). */
  imageCacheDir: string;
  /** Only the first `limit` rows of the file. */
  limit?: number;
}

const FORMATS: Record<string, MtmcsFileFormat> = {
  ".jsonl": "jsonl",
  ".json": "json",
  ".parquet": "parquet",
};
// Row groups above this many rows are read in slices of PARQUET_SLICE rows.
const LARGE_ROW_GROUP = 256;
const PARQUET_SLICE = 64;

/** The split a file name names (`type_a`, `type-a`, `typeA`, ...), or null. */
export function splitFromName(file: string): MtmcsSplit | null {
  const name = path.basename(file).toLowerCase();
  const found = MTMCS_SPLITS.filter((split) => new RegExp(`type[_-]?${split.slice(-1)}(?![a-z])`).test(name));
  return found.length === 1 ? (found[0] ?? null) : null;
}

/**
 * Resolves `--data` paths into split files. A folder contributes every JSONL/JSON/Parquet file
 * under it (one level of subfolders, as Hugging Face lays out `data/`) whose name names a split.
 * A file's split comes from its name or, for a single file, from the one split asked for.
 * `splits` (when given) keeps only those splits; a split asked for but not found is an error.
 */
export function resolveMtmcsSources(paths: readonly string[], splits?: readonly MtmcsSplit[]): MtmcsSource[] {
  if (paths.length === 0) throw new InputError("name at least one data file or folder", "--data");
  const sources: MtmcsSource[] = [];
  for (const given of paths) {
    const resolved = path.resolve(given);
    if (!existsSync(resolved)) throw new InputError("no such file or folder", resolved);
    if (statSync(resolved).isDirectory()) {
      for (const file of filesUnder(resolved)) {
        const split = splitFromName(path.relative(resolved, file));
        if (split) sources.push({ file, split, format: formatOf(file) });
      }
      continue;
    }
    let split = splitFromName(resolved);
    if (split === null && paths.length === 1 && splits?.length === 1) split = splits[0] ?? null;
    if (split === null)
      throw new InputError(
        "cannot tell the split: name the file after it (type_a / type_b) or pass a single --split",
        resolved,
      );
    sources.push({ file: resolved, split, format: formatOf(resolved) });
  }
  const kept = splits ? sources.filter((source) => splits.includes(source.split)) : sources;
  for (const split of splits ?? [])
    if (!kept.some((source) => source.split === split))
      throw new InputError(`no data file for split ${split} in ${paths.join(", ")}`, "--split");
  if (kept.length === 0) throw new InputError("no type_a / type_b data files found", paths.join(", "));
  return kept.sort((a, b) => a.split.localeCompare(b.split) || a.file.localeCompare(b.file));
}

function filesUnder(folder: string, depth = 0): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory() && depth < 1) files.push(...filesUnder(full, depth + 1));
    else if (entry.isFile() && FORMATS[path.extname(entry.name).toLowerCase()]) files.push(full);
  }
  return files;
}

function formatOf(file: string): MtmcsFileFormat {
  const format = FORMATS[path.extname(file).toLowerCase()];
  if (!format) throw new InputError("expected a .jsonl, .json or .parquet file", file);
  return format;
}

/**
 * Streams validated rows of one split file, resolving each row's photo (written to the image
 * cache when embedded). Errors name the file, row and field.
 */
export async function* readMtmcsRows(
  source: MtmcsSource,
  options: ReadMtmcsOptions,
): AsyncGenerator<LoadedMtmcsRow> {
  let count = 0;
  const seen = new Set<string>();
  for await (const { rowNumber, value } of readRawRows(source)) {
    if (options.limit !== undefined && count >= options.limit) return;
    count++;
    const where = `${source.file} row ${rowNumber}`;
    const row = parseMtmcsRow(value, { split: source.split, modalities: options.modalities, where });
    if (seen.has(row.id)) throw new InputError(`duplicate id ${row.id}`, where);
    seen.add(row.id);
    const image = options.modalities.includes("mm")
      ? await resolveRowImage((value as Record<string, unknown>).image, {
          dataFile: source.file,
          cacheDir: options.imageCacheDir,
          where,
        })
      : null;
    yield { ...row, image };
  }
  if (count === 0) throw new InputError("no rows in the file (it is empty)", source.file);
}

/** Streams raw rows (1-based row numbers: JSONL lines, JSON array positions, Parquet rows). */
export async function* readRawRows(source: Pick<MtmcsSource, "file" | "format">): AsyncGenerator<{
  rowNumber: number;
  value: unknown;
}> {
  if (source.format === "jsonl") {
    for await (const { line, value } of readJsonl(source.file, z.unknown())) yield { rowNumber: line, value };
    return;
  }
  if (source.format === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readSmallTextFile(source.file, MAX_WHOLE_FILE_BYTES));
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`not readable as JSON (${(error as Error).message})`, source.file);
    }
    const rows = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown })?.rows;
    if (!Array.isArray(rows)) throw new InputError("expected a JSON array of rows", source.file);
    for (const [index, value] of rows.entries()) yield { rowNumber: index + 1, value };
    return;
  }
  yield* readParquetRows(source.file);
}

async function* readParquetRows(file: string): AsyncGenerator<{ rowNumber: number; value: unknown }> {
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new InputError(`not readable as Parquet (${(error as Error).message})`, file);
  }
  // The three edited variants are unused by the protocol: skipping them saves most of the reading.
  const columns = parquetSchema(metadata)
    .children.map((child) => child.element.name)
    .filter((name) => name !== "variant_images");
  // One row group at a time keeps memory to one group's rows; very large groups are read in
  // slices, through the offset index where the file has one, so their images never pile up.
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupRows = Number(group.num_rows);
    const slice = groupRows <= LARGE_ROW_GROUP ? groupRows : PARQUET_SLICE;
    for (let start = groupStart; start < groupStart + groupRows; start += slice) {
      const end = Math.min(groupStart + groupRows, start + slice);
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({
          file: buffer,
          metadata,
          columns,
          rowStart: start,
          rowEnd: end,
          utf8: false,
          useOffsetIndex: true,
        });
      } catch (error) {
        throw new InputError(
          `Parquet rows ${start + 1}-${end} cannot be read (${(error as Error).message})`,
          file,
        );
      }
      for (const [offset, row] of rows.entries()) yield { rowNumber: start + offset + 1, value: row };
    }
    groupStart += groupRows;
  }
}
