import { z } from "zod";
import { readCsv } from "../../dialogue/csv.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { readJsonl } from "../../dialogue/jsonl.ts";
import { InputError } from "../../errors.ts";
import { readLabelValue } from "./gold-labels.ts";
import { type LabelledSetOptions, labelledItem, promptAndAnswer, UniqueIds } from "./labelled-item.ts";

/** Column names tried, in order, when no flag names the column. */
export const USUAL_COLUMNS = {
  prompt: [
    "prompt",
    "question",
    "input",
    "goal",
    "behavior",
    "behaviour",
    "instruction",
    "test_case",
    "user",
  ],
  response: ["response", "completion", "generation", "answer", "output", "assistant"],
  label: [
    "label",
    "is harmful?",
    "is_harmful",
    "harmful",
    "unsafe",
    "is_unsafe",
    "refusal",
    "is_refusal",
    "human_label",
  ],
  category: ["category", "semantic_category", "harm_category", "type"],
};

type Column = keyof typeof USUAL_COLUMNS;
const FLAGS: Record<Column, string> = {
  prompt: "--prompt-col",
  response: "--response-col",
  label: "--label-col",
  category: "--category-col",
};

/**
 * Reads a table of (request, answer, label[, category]) rows: CSV, TSV, or JSONL records
 * without `messages` (e.g. the published "prompt, response, is harmful?" layout). Columns come
 * from the flags or the usual names; the category is optional. Other columns go to metadata.
 * Errors name the file, line and column.
 */
export async function* readLabelledRows(file: string, options: LabelledSetOptions): AsyncGenerator<Dialogue> {
  const ids = new UniqueIds();
  let columns: (Record<Column, string | undefined> & { id: string | undefined }) | undefined;
  let index = 0;
  for await (const row of rows(file)) {
    index++;
    const names = Object.keys(row.values);
    columns ??= {
      prompt: pick(names, "prompt", options.promptCol, file, true),
      response: pick(names, "response", options.responseCol, file, true),
      label: pick(names, "label", options.labelCol, file, true),
      category: pick(names, "category", options.categoryCol, file, false),
      id: options.idCol ?? (names.includes("id") ? "id" : undefined),
    };
    const where = `${file}:${row.line}`;
    const text = (column: string) => {
      const value = row.values[column];
      return value === null || value === undefined
        ? ""
        : typeof value === "string"
          ? value
          : JSON.stringify(value);
    };
    const prompt = text(columns.prompt as string);
    const response = text(columns.response as string);
    if (prompt.trim() === "") throw new InputError("the request is empty", `${where}: ${columns.prompt}`);
    const label = columns.label as string;
    const positive = readLabelValue(row.values[label], options.mapping, `${where}: ${label}`);
    const category = columns.category ? text(columns.category).trim() || null : null;
    const id = ids.take((columns.id ? text(columns.id).trim() : "") || `row-${index}`);
    const metadata: Record<string, unknown> = {};
    const used = new Set([columns.prompt, columns.response, columns.label, columns.category]);
    for (const [key, value] of Object.entries(row.values)) if (!used.has(key)) metadata[key] = value;
    yield labelledItem({
      id,
      messages: promptAndAnswer(prompt, response),
      gold: { positive, value: String(row.values[label]).trim() },
      category,
      metadata,
    });
  }
  if (index === 0) throw new InputError("no rows in the file (it is empty)", file);
}

async function* rows(file: string): AsyncGenerator<{ line: number; values: Record<string, unknown> }> {
  if (/\.(csv|tsv)$/i.test(file)) {
    yield* readCsv(file, { delimiter: /\.tsv$/i.test(file) ? "\t" : "," });
    return;
  }
  for await (const { line, value } of readJsonl(file, z.record(z.string(), z.unknown())))
    yield { line, values: value };
}

function pick(
  names: string[],
  column: Column,
  given: string | undefined,
  file: string,
  required: true,
): string;
function pick(
  names: string[],
  column: Column,
  given: string | undefined,
  file: string,
  required: boolean,
): string | undefined;
function pick(names: string[], column: Column, given: string | undefined, file: string, required: boolean) {
  const flag = FLAGS[column];
  if (given !== undefined) {
    if (!names.includes(given))
      throw new InputError(`no column "${given}"; the file has ${names.join(", ")}`, `${file}: ${flag}`);
    return given;
  }
  const found = USUAL_COLUMNS[column].find((name) => names.includes(name));
  if (!found && required)
    throw new InputError(
      `no ${column} column among the usual names (${USUAL_COLUMNS[column].join(", ")}); name it with ${flag} (the file has ${names.join(", ")})`,
      file,
    );
  return found;
}
