import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { formatIssues } from "../dialogue/format-issues.ts";
import { tooDeepAt, tooDeepMessage } from "../dialogue/json-depth.ts";
import { readSmallTextFile } from "../dialogue/read-small-text-file.ts";
import { InputError } from "../errors.ts";

/**
 * Reads a YAML file and validates it against a schema. Errors name the file, the field
 * path and, where it can be found, the line: `config.yaml:12 targets.0.model: ...`.
 */
export function loadYamlFile<T extends z.ZodType>(file: string, schema: T): z.infer<T> {
  return parseYamlText(readSmallTextFile(file, MAX_YAML_BYTES), file, schema);
}

/** Parses YAML text (see loadYamlFile); `source` names it in errors. */
export function parseYamlText<T extends z.ZodType>(text: string, source: string, schema: T): z.infer<T> {
  const lineCounter = new LineCounter();
  let document: ReturnType<typeof parseDocument>;
  let value: unknown;
  try {
    document = parseDocument(text, { lineCounter, prettyErrors: false });
    value = document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml package throws (not reports) on alias bombs and similar resource exhaustion.
    const message = (error as Error).message;
    const hint = /alias/i.test(message) ? ` (aliases may expand to at most ${MAX_ALIAS_COUNT} nodes)` : "";
    throw new InputError(`cannot be read as YAML: ${message}${hint}`, source);
  }
  const syntax = document.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line;
    throw new InputError(
      `invalid YAML: ${syntax.message.split("\n")[0]}`,
      line ? `${source}:${line}` : source,
    );
  }
  const input = value ?? {};
  const deep = tooDeepAt(input, MAX_DEPTH);
  if (deep !== undefined) throw new InputError(tooDeepMessage(deep, MAX_DEPTH), source);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = formatIssues(result.error, input, schema).map((issue) => {
    const line = lineOf(document.contents, issue.path, lineCounter);
    return { where: line ? `${source}:${line}` : source, text: `${issue.field}: ${issue.message}` };
  });
  const [only] = issues;
  if (issues.length === 1 && only) throw new InputError(only.text, only.where);
  const shown = issues.slice(0, MAX_LISTED).map((issue) => `${issue.where}: ${issue.text}`);
  const rest = issues.length > MAX_LISTED ? `\n  ... and ${issues.length - MAX_LISTED} more` : "";
  throw new InputError(`${issues.length} problems:\n  ${shown.join("\n  ")}${rest}`, source);
}

const MAX_YAML_BYTES = 16 * 1024 * 1024;

/** Aliases may expand to at most this many nodes (the yaml package's guard against alias bombs). */
const MAX_ALIAS_COUNT = 100;
const MAX_DEPTH = 64;
const MAX_LISTED = 20;

/**
 * Where a field of a YAML file is: `file:line` (or `file` when the field is not found). For
 * errors found after loading, e.g. a target spec checked when the run is planned.
 */
export function locateInYamlFile(file: string, fieldPath: readonly (string | number)[]): string {
  try {
    const lineCounter = new LineCounter();
    const document = parseDocument(readSmallTextFile(file, MAX_YAML_BYTES), { lineCounter });
    const line = lineOf(document.contents, fieldPath, lineCounter);
    return line ? `${file}:${line}` : file;
  } catch {
    return file;
  }
}

function lineOf(
  node: unknown,
  fieldPath: readonly PropertyKey[],
  lineCounter: LineCounter,
): number | undefined {
  let current = node;
  let line: number | undefined;
  for (const key of fieldPath) {
    if (isMap(current)) {
      const pair = current.items.find((item) => (item.key as { value?: unknown })?.value === key);
      if (!pair) break;
      const keyRange = (pair.key as { range?: [number, number, number] }).range;
      if (keyRange) line = lineCounter.linePos(keyRange[0]).line;
      current = pair.value;
    } else if (isSeq(current) && typeof key === "number") {
      current = current.items[key];
      const range = (current as { range?: [number, number, number] })?.range;
      if (range) line = lineCounter.linePos(range[0]).line;
    } else break;
  }
  return line;
}
