import { readFileSync } from "node:fs";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { InputError } from "../errors.ts";

/**
 * Reads a YAML file and validates it against a schema. Errors name the file, the field
 * path and, where it can be found, the line: `config.yaml:12 targets.0.model: ...`.
 */
export function loadYamlFile<T extends z.ZodType>(file: string, schema: T): z.infer<T> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError(
      `cannot read file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      file,
    );
  }
  return parseYamlText(text, file, schema);
}

/** Parses YAML text (see loadYamlFile); `source` names it in errors. */
export function parseYamlText<T extends z.ZodType>(text: string, source: string, schema: T): z.infer<T> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = document.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line;
    throw new InputError(
      `invalid YAML: ${syntax.message.split("\n")[0]}`,
      line ? `${source}:${line}` : source,
    );
  }
  const result = schema.safeParse(document.toJS() ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const fieldPath = issue?.path ?? [];
  const line = lineOf(document.contents, fieldPath, lineCounter);
  const field = fieldPath.length > 0 ? `${fieldPath.join(".")}: ` : "";
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : "";
  throw new InputError(`${field}${issue?.message ?? "invalid"}${more}`, line ? `${source}:${line}` : source);
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
