import { InputError } from "../errors.ts";

/** One data row of a CSV file: values by header name, and its line in the file. */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/**
 * Parses CSV text (RFC 4180: quoted fields, doubled quotes, commas and newlines inside quotes,
 * CRLF or LF) with a header row. `delimiter` is "," or "\t". Errors name the file and line.
 */
export function parseCsv(text: string, source: string, delimiter = ","): CsvRow[] {
  const records = splitRecords(text.replace(/^\uFEFF/, ""), source, delimiter);
  const header = records.shift();
  if (!header) throw new InputError("the file is empty; expected a header row", source);
  const names = header.fields.map((name) => name.trim());
  const rows: CsvRow[] = [];
  for (const record of records) {
    if (record.fields.length === 1 && record.fields[0]?.trim() === "") continue;
    if (record.fields.length !== names.length)
      throw new InputError(
        `expected ${names.length} fields as in the header, found ${record.fields.length}`,
        `${source}:${record.line}`,
      );
    const values: Record<string, string> = {};
    names.forEach((name, index) => {
      values[name] = record.fields[index] ?? "";
    });
    rows.push({ line: record.line, values });
  }
  return rows;
}

function splitRecords(text: string, source: string, delimiter: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let index = 0;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = "";
  };
  while (index < text.length) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 2;
          continue;
        }
        quoted = false;
      } else {
        if (char === "\n") line++;
        field += char;
      }
      index++;
      continue;
    }
    if (char === '"' && field === "") quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index++;
      endRecord();
      line++;
      recordLine = line;
    } else field += char;
    index++;
  }
  if (quoted) throw new InputError("a quoted field is never closed", `${source}:${recordLine}`);
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}
