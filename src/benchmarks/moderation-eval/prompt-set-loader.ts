import { z } from "zod";
import { readCsv } from "../../dialogue/csv.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { readJsonl } from "../../dialogue/jsonl.ts";
import { InputError } from "../../errors.ts";
import { MODERATION_LABELS_KEY, type ModerationLabels } from "./moderation-labels.ts";

/** How a single-turn labelled prompt set is read. */
export interface PromptSetOptions {
  /** Column holding the prompt (default: the first of prompt, text, question, input, goal, behavior). */
  textColumn?: string;
  /** Column holding the label (default: the first of label, type, is_unsafe, unsafe, harmful). */
  labelColumn?: string;
  /**
   * Label values meaning unsafe (case ignored). When given, every other value is safe. Without
   * it, UNSAFE_VALUES are unsafe, SAFE_VALUES safe, and any other value is an error.
   */
  unsafeValues?: string[];
  /** Column holding a row id (default `id` when present; otherwise `row-<n>`). */
  idColumn?: string;
}

/** Label values read as unsafe by default. */
export const UNSAFE_VALUES = ["unsafe", "harmful", "1", "true", "yes", "flagged", "toxic"];
/** Label values read as safe by default. */
export const SAFE_VALUES = ["safe", "unharmful", "benign", "harmless", "0", "false", "no"];

const TEXT_COLUMNS = ["prompt", "text", "question", "input", "goal", "behavior"];
const LABEL_COLUMNS = ["label", "is_unsafe", "unsafe", "harmful"];

/**
 * Reads a CSV, TSV or JSONL file of single-turn prompts with a safe/unsafe label into
 * one-turn dialogues labelled on the user side only (input-side moderation). Other columns
 * are kept in metadata. Errors name the file, line and column.
 */
export async function* readLabelledPrompts(
  file: string,
  options: PromptSetOptions = {},
): AsyncGenerator<Dialogue> {
  const rows = readRows(file);
  const seen = new Map<string, number>();
  let columns: { text: string; label: string; id: string | undefined } | undefined;
  const unsafe = new Set((options.unsafeValues ?? UNSAFE_VALUES).map((value) => value.trim().toLowerCase()));
  const safe = options.unsafeValues ? undefined : new Set(SAFE_VALUES);
  let index = 0;
  for await (const row of rows) {
    index++;
    columns ??= pickColumns(Object.keys(row.values), options, file);
    const where = `${file}:${row.line}`;
    const text = stringOf(row.values[columns.text]);
    if (text.trim() === "") throw new InputError(`empty ${columns.text}`, where);
    const labelValue = stringOf(row.values[columns.label]).trim().toLowerCase();
    let rating: "safe" | "unsafe";
    if (unsafe.has(labelValue)) rating = "unsafe";
    else if (!safe || safe.has(labelValue)) rating = "safe";
    else
      throw new InputError(
        `label "${labelValue}" is neither safe (${SAFE_VALUES.join(", ")}) nor unsafe (${[...unsafe].join(", ")}); name the unsafe values with --unsafe-values`,
        `${where}: ${columns.label}`,
      );
    let id = columns.id ? stringOf(row.values[columns.id]).trim() : "";
    if (id === "") id = `row-${index}`;
    const repeats = seen.get(id) ?? 0;
    seen.set(id, repeats + 1);
    if (repeats > 0) id = `${id}#${repeats + 1}`;
    const labels: ModerationLabels = { user: { rating, dimension: null, rationale: null }, assistant: null };
    const metadata: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row.values))
      if (key !== columns.text && key !== columns.label) metadata[key] = value;
    yield {
      version: 1,
      id,
      messages: [{ role: "user", content: [{ type: "text", text }] }],
      labels: { [MODERATION_LABELS_KEY]: labels, label: labelValue },
      metadata,
    };
  }
  if (index === 0) throw new InputError("no prompts in the file (it is empty)", file);
}

/** True when a file looks like a single-turn prompt set rather than MMDS dialogues. */
export function isPromptSetFile(file: string): boolean {
  return /\.(csv|tsv)$/i.test(file);
}

async function* readRows(file: string): AsyncGenerator<{ line: number; values: Record<string, unknown> }> {
  if (/\.(csv|tsv)$/i.test(file)) {
    yield* readCsv(file, { delimiter: /\.tsv$/i.test(file) ? "\t" : "," });
    return;
  }
  for await (const { line, value } of readJsonl(file, z.record(z.string(), z.unknown())))
    yield { line, values: value };
}

function pickColumns(
  names: string[],
  options: PromptSetOptions,
  file: string,
): { text: string; label: string; id: string | undefined } {
  const pick = (given: string | undefined, defaults: string[], flag: string) => {
    if (given !== undefined) {
      if (!names.includes(given))
        throw new InputError(`no column "${given}"; the file has ${names.join(", ")}`, `${file}: ${flag}`);
      return given;
    }
    const found = defaults.find((name) => names.includes(name));
    if (!found)
      throw new InputError(
        `none of the usual columns (${defaults.join(", ")}); choose one with ${flag} (the file has ${names.join(", ")})`,
        file,
      );
    return found;
  };
  return {
    text: pick(options.textColumn, TEXT_COLUMNS, "--text-column"),
    label: pick(options.labelColumn, LABEL_COLUMNS, "--label-column"),
    id: options.idColumn ?? (names.includes("id") ? "id" : undefined),
  };
}

function stringOf(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : String(value);
}
