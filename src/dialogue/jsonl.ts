import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import type { z } from "zod";
import { InputError } from "../errors.ts";
import { type Dialogue, DialogueSchema } from "./dialogue.ts";
import { formatIssues, issuesLine } from "./format-issues.ts";
import { type InputLimits, inputLimits } from "./input-limits.ts";
import { tooDeepAt, tooDeepMessage } from "./json-depth.ts";
import { readLines } from "./read-lines.ts";
import type { ChunkHasher } from "./streamed-data-hash.ts";

/** Formats a zod error as `field.path: expected X, found Y; ...` (the value is what was validated). */
export function formatZodError(error: z.ZodError, input?: unknown, schema?: z.ZodType): string {
  return issuesLine(formatIssues(error, input, schema));
}

/** How JSONL files are read: size and depth caps, and where repair warnings go. */
export interface JsonlOptions {
  limits?: Partial<InputLimits>;
  onWarning?: (warning: string) => void;
  /** Hashes the file as it streams (see readLines). */
  hash?: ChunkHasher;
}

/** A validated record, or why its line was rejected (an InputError naming `file:line`). */
export type JsonlEntry<T> =
  | { line: number; value: T; error?: undefined }
  | { line: number; error: InputError };

/**
 * Streams a JSONL file, validating each line, and yields the bad lines as errors instead of
 * stopping, so a caller can report every problem in one pass. Lines are capped at
 * `maxLineBytes` and records at `maxDepth` levels of nesting.
 */
export async function* readJsonlEntries<T extends z.ZodType>(
  file: string,
  schema: T,
  options: JsonlOptions = {},
): AsyncGenerator<JsonlEntry<z.infer<T>>> {
  const limits = inputLimits(options.limits);
  for await (const entry of readLines(file, {
    maxLineBytes: limits.maxLineBytes,
    onWarning: options.onWarning,
    hash: options.hash,
  })) {
    const where = `${file}:${entry.line}`;
    if (entry.problem !== undefined) {
      yield { line: entry.line, error: new InputError(entry.problem, where) };
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(entry.text);
    } catch (error) {
      yield { line: entry.line, error: new InputError(`invalid JSON (${(error as Error).message})`, where) };
      continue;
    }
    const deep = tooDeepAt(parsed, limits.maxDepth);
    if (deep !== undefined) {
      yield { line: entry.line, error: new InputError(tooDeepMessage(deep, limits.maxDepth), where) };
      continue;
    }
    const result = schema.safeParse(parsed);
    if (!result.success)
      yield { line: entry.line, error: new InputError(formatZodError(result.error, parsed, schema), where) };
    else yield { line: entry.line, value: result.data };
  }
}

/** Streams a JSONL file, validating each line; the first bad line throws, naming the file, line and field. */
export async function* readJsonl<T extends z.ZodType>(
  file: string,
  schema: T,
  options: JsonlOptions = {},
): AsyncGenerator<{ line: number; value: z.infer<T> }> {
  for await (const entry of readJsonlEntries(file, schema, options)) {
    if (entry.error) throw entry.error;
    yield { line: entry.line, value: entry.value };
  }
}

/** Streams dialogues from a JSONL file; a file without any is an InputError. */
export async function* readDialogues(file: string, options: JsonlOptions = {}): AsyncGenerator<Dialogue> {
  const seen = new Set<string>();
  for await (const { line, value } of readJsonl(file, DialogueSchema, options)) {
    if (seen.has(value.id)) throw new InputError(`duplicate dialogue id "${value.id}"`, `${file}:${line}`);
    seen.add(value.id);
    yield value as Dialogue;
  }
  if (seen.size === 0) throw new InputError("no dialogues in the file (it is empty)", file);
}

/** Appends JSON values as lines, honouring back-pressure. */
export class JsonlWriter {
  readonly #stream: WriteStream;
  constructor(file: string) {
    this.#stream = createWriteStream(file, { encoding: "utf8" });
  }

  /** Writes one value as one line. */
  async write(value: unknown): Promise<void> {
    if (!this.#stream.write(`${JSON.stringify(value)}\n`)) await once(this.#stream, "drain");
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    this.#stream.end();
    await once(this.#stream, "finish");
  }
}
