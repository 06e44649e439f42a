import type { Dialogue } from "../../dialogue/dialogue.ts";
import { MAX_WHOLE_FILE_BYTES, readSmallTextFile } from "../../dialogue/read-small-text-file.ts";
import { InputError } from "../../errors.ts";
import { majorityLabel } from "./gold-labels.ts";
import { type LabelledSetOptions, labelledItem, promptAndAnswer } from "./labelled-item.ts";

const ANSWER_FIELDS = ["generation", "completion", "response"];
const PROMPT_FIELDS = ["test_case", "prompt"];
const HUMAN_FIELD = /^human_?\d+$/i;

/**
 * Reads the behaviour-keyed layout of published judge-validation sets: one JSON object whose
 * keys are behaviours, each holding a list of generations, each with several human label fields
 * (`human_0`, `human_1`, ... or those named by `labelFields`). The gold label is the majority of
 * the labellers (a tie is an error unless `ties` settles it). The request is the generation's
 * `test_case` / `prompt` (or `promptCol`), else the behaviour itself; the answer is its
 * `generation` / `completion` / `response` (or `responseCol`). Items are `<behaviour>#<n>`.
 * Errors name the file, the behaviour's line and the field.
 */
export async function* readBehaviourSet(file: string, options: LabelledSetOptions): AsyncGenerator<Dialogue> {
  const text = readSmallTextFile(file, MAX_WHOLE_FILE_BYTES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`invalid JSON (${(error as Error).message})`, file);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new InputError("expected a JSON object keyed by behaviour, each a list of generations", file);
  let count = 0;
  for (const [behaviour, generations] of Object.entries(parsed)) {
    const at = `${file}:${lineOf(text, behaviour)}: ${behaviour}`;
    if (!Array.isArray(generations)) throw new InputError("expected a list of generations", at);
    for (const [index, generation] of generations.entries()) {
      const where = `${at}[${index}]`;
      if (generation === null || typeof generation !== "object" || Array.isArray(generation))
        throw new InputError("expected an object with a generation and human labels", where);
      const record = generation as Record<string, unknown>;
      const answer = field(record, options.responseCol, ANSWER_FIELDS, where, "--response-col");
      if (answer === undefined)
        throw new InputError(
          `no answer field (${ANSWER_FIELDS.join(", ")}); name it with --response-col`,
          where,
        );
      const prompt = field(record, options.promptCol, PROMPT_FIELDS, where, "--prompt-col") ?? behaviour;
      const labelFields = options.labelFields ?? Object.keys(record).filter((key) => HUMAN_FIELD.test(key));
      if (labelFields.length === 0)
        throw new InputError(
          "no human label fields (human_0, human_1, ...); name them with --label-fields",
          where,
        );
      for (const name of labelFields)
        if (!(name in record)) throw new InputError("label field missing", `${where}.${name}`);
      const gold = majorityLabel(
        labelFields.map((name) => record[name]),
        options.mapping,
        options.ties ?? "error",
        (labeller) =>
          labeller < 0 ? `${where}: ${labelFields.join(", ")}` : `${where}.${labelFields[labeller]}`,
      );
      const category = options.categoryCol
        ? field(record, options.categoryCol, [], where, "--category-col")
        : undefined;
      const metadata: Record<string, unknown> = { behaviour };
      for (const [key, value] of Object.entries(record))
        if (!labelFields.includes(key) && typeof value !== "object" && !ANSWER_FIELDS.includes(key))
          metadata[key] = value;
      count++;
      yield labelledItem({
        id: `${behaviour}#${index + 1}`,
        messages: promptAndAnswer(prompt, answer),
        gold,
        category: category ?? null,
        metadata,
      });
    }
  }
  if (count === 0) throw new InputError("no generations in the file", file);
}

/** A text field: the named one (which must exist), else the first of the usual names present. */
function field(
  record: Record<string, unknown>,
  given: string | undefined,
  usual: string[],
  where: string,
  flag: string,
): string | undefined {
  const name = given ?? usual.find((candidate) => typeof record[candidate] === "string");
  if (name === undefined) return undefined;
  const value = record[name];
  if (typeof value !== "string")
    throw new InputError(
      `expected text, found ${value === undefined ? "nothing" : typeof value} (${flag})`,
      `${where}.${name}`,
    );
  return value;
}

/** The 1-based line where a key first appears as a key (`"key":`) in the JSON text (1 when not found). */
function lineOf(text: string, key: string): number {
  const quoted = JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const at = new RegExp(`${quoted}\\s*:`).exec(text)?.index ?? -1;
  if (at < 0) return 1;
  let line = 1;
  for (let index = text.indexOf("\n"); index >= 0 && index < at; index = text.indexOf("\n", index + 1))
    line++;
  return line;
}
