import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";
import type { z } from "zod";
import { InputError } from "../errors.ts";
import { type Dialogue, DialogueSchema } from "./dialogue.ts";

/** Formats a zod error as `field.path: message; ...`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(record)"}: ${issue.message}`)
    .join("; ");
}

/** Streams a JSONL file, validating each line; errors name the file, line and field. */
export async function* readJsonl<T extends z.ZodType>(
  file: string,
  schema: T,
): AsyncGenerator<{ line: number; value: z.infer<T> }> {
  const stream = createReadStream(file, { encoding: "utf8" });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (error) => reject(new InputError(`cannot read file (${error.message})`, file)));
  });
  await opened;
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const trimmed = raw.trim();
      if (trimmed === "") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch (error) {
        throw new InputError(`invalid JSON (${(error as Error).message})`, `${file}:${line}`);
      }
      const result = schema.safeParse(parsed);
      if (!result.success) throw new InputError(formatZodError(result.error), `${file}:${line}`);
      yield { line, value: result.data };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Streams dialogues from a JSONL file. */
export async function* readDialogues(file: string): AsyncGenerator<Dialogue> {
  const seen = new Set<string>();
  for await (const { line, value } of readJsonl(file, DialogueSchema)) {
    if (seen.has(value.id)) throw new InputError(`duplicate dialogue id "${value.id}"`, `${file}:${line}`);
    seen.add(value.id);
    yield value as Dialogue;
  }
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
