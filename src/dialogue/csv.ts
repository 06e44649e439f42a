import { InputError } from "../errors.ts";
import { formatBytes, type InputLimits, inputLimits } from "./input-limits.ts";
import { readLines } from "./read-lines.ts";

/** One data row of a CSV file: values by header name, and its line in the file. */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/** How a CSV file is read: delimiter ("," or "\t"), size caps, where repair warnings go. */
export interface CsvOptions {
  delimiter?: string;
  limits?: Partial<InputLimits>;
  onWarning?: (warning: string) => void;
}

/**
 * Streams the rows of a CSV file (RFC 4180: quoted fields, doubled quotes, delimiters and
 * newlines inside quotes, CRLF or LF) with a header row. A record (and so a field) longer than
 * `maxLineBytes` is an error naming the file and line, found without holding it whole.
 */
export async function* readCsv(file: string, options: CsvOptions = {}): AsyncGenerator<CsvRow> {
  const limits = inputLimits(options.limits);
  const records = new CsvRecords(file, options.delimiter ?? ",", limits.maxLineBytes);
  for await (const entry of readLines(file, {
    maxLineBytes: limits.maxLineBytes,
    onWarning: options.onWarning,
    keepBlank: true,
    limitName: "maxLineBytes / --max-line-bytes",
  })) {
    if (entry.problem !== undefined) throw new InputError(entry.problem, `${file}:${entry.line}`);
    const row = records.feed(entry.text, entry.line);
    if (row) yield row;
  }
  records.end();
}

/** Parses CSV text held in memory (see readCsv); `source` names it in errors. */
export function parseCsv(text: string, source: string, delimiter = ","): CsvRow[] {
  const records = new CsvRecords(source, delimiter, Number.POSITIVE_INFINITY);
  const rows: CsvRow[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((line, index) => {
    const row = records.feed(line, index + 1);
    if (row) rows.push(row);
  });
  records.end();
  return rows;
}

/** Turns physical lines into rows: the first record is the header. */
class CsvRecords {
  readonly #source: string;
  readonly #delimiter: string;
  readonly #maxBytes: number;
  #names: string[] | undefined;
  #fields: string[] = [];
  #field = "";
  #quoted = false;
  #recordLine = 0;
  #bytes = 0;

  constructor(source: string, delimiter: string, maxBytes: number) {
    this.#source = source;
    this.#delimiter = delimiter;
    this.#maxBytes = maxBytes;
  }

  feed(text: string, line: number): CsvRow | undefined {
    const fields = this.#split(text, line);
    if (!fields) return undefined;
    if (!this.#names) {
      this.#names = fields.map((name) => name.trim());
      return undefined;
    }
    if (fields.length === 1 && fields[0]?.trim() === "") return undefined;
    if (fields.length !== this.#names.length)
      throw new InputError(
        `expected ${this.#names.length} fields as in the header, found ${fields.length}`,
        `${this.#source}:${this.#recordLine}`,
      );
    const values: Record<string, string> = {};
    this.#names.forEach((name, index) => {
      values[name] = fields[index] ?? "";
    });
    return { line: this.#recordLine, values };
  }

  end(): void {
    if (this.#quoted)
      throw new InputError("a quoted field is never closed", `${this.#source}:${this.#recordLine}`);
    if (!this.#names) throw new InputError("the file is empty; expected a header row", this.#source);
  }

  /** Adds one line to the current record; returns its fields when the record ends on it. */
  #split(text: string, line: number): string[] | undefined {
    if (this.#quoted) this.#field += "\n";
    else this.#recordLine = line;
    this.#bytes = (this.#quoted ? this.#bytes : 0) + Buffer.byteLength(text) + 1;
    if (this.#bytes > this.#maxBytes)
      throw new InputError(
        `record is longer than ${formatBytes(this.#maxBytes)} (raise maxLineBytes / --max-line-bytes if this is intended)`,
        `${this.#source}:${this.#recordLine}`,
      );
    let index = 0;
    for (;;) {
      if (this.#quoted) {
        const quote = text.indexOf('"', index);
        if (quote === -1) {
          this.#field += text.slice(index);
          return undefined;
        }
        this.#field += text.slice(index, quote);
        if (text[quote + 1] === '"') {
          this.#field += '"';
          index = quote + 2;
        } else {
          this.#quoted = false;
          index = quote + 1;
        }
        continue;
      }
      if (text[index] === '"' && this.#field === "") {
        this.#quoted = true;
        index++;
        continue;
      }
      const next = text.indexOf(this.#delimiter, index);
      this.#field += text.slice(index, next === -1 ? undefined : next);
      this.#fields.push(this.#field);
      this.#field = "";
      if (next === -1) {
        const fields = this.#fields;
        this.#fields = [];
        return fields;
      }
      index = next + 1;
    }
  }
}
