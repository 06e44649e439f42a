/**
 * A deliberately tiny Parquet writer for test fixtures (hyparquet only reads, and no writer is
 * a dependency). One row group, one uncompressed PLAIN data page (v1) per column, RLE levels,
 * nested structs and 3-level LISTs as pyarrow writes them. Not for production data.
 */

/** A column of a fixture schema; lists use the standard `list` / `element` layout. */
export type FixtureField =
  | { name: string; kind: "string" | "binary" | "int64" | "boolean"; optional?: boolean }
  | { name: string; kind: "struct"; fields: FixtureField[]; optional?: boolean }
  | { name: string; kind: "list"; element: FixtureField; optional?: boolean };

interface Leaf {
  path: string[];
  kind: "string" | "binary" | "int64" | "boolean";
  maxRepetition: number;
  maxDefinition: number;
  repetition: number[];
  definition: number[];
  values: unknown[];
}

const PHYSICAL = { boolean: 0, int64: 2, string: 6, binary: 6 } as const;

/** Encodes rows (plain objects) under `fields` as a Parquet file, `rowGroupSize` rows per row group. */
export function writeParquetFixture(
  fields: FixtureField[],
  rows: Record<string, unknown>[],
  rowGroupSize = Number.POSITIVE_INFINITY,
): Uint8Array {
  const leaves: Leaf[] = [];
  const schema: Uint8Array[] = [struct([nameField("schema"), [5, ttype.i32, zigzag(fields.length)]])];
  const collect = (field: FixtureField, path: string[], repetition: number, definition: number) => {
    const own = field.optional ? definition + 1 : definition;
    const repetitionType = field.optional ? 1 : 0;
    if (field.kind === "struct") {
      schema.push(element({ name: field.name, repetitionType, children: field.fields.length }));
      for (const child of field.fields) collect(child, [...path, field.name], repetition, own);
    } else if (field.kind === "list") {
      schema.push(element({ name: field.name, repetitionType, children: 1, converted: 3 }));
      schema.push(element({ name: "list", repetitionType: 2, children: 1 }));
      collect({ ...field.element, name: "element" }, [...path, field.name, "list"], repetition + 1, own + 1);
    } else {
      schema.push(
        element({
          name: field.name,
          repetitionType,
          type: PHYSICAL[field.kind],
          converted: field.kind === "string" ? 0 : undefined,
        }),
      );
      leaves.push({
        path: [...path, field.name],
        kind: field.kind,
        maxRepetition: repetition,
        maxDefinition: own,
        repetition: [],
        definition: [],
        values: [],
      });
    }
  };
  for (const field of fields) collect(field, [], 0, 0);

  const chunks: Uint8Array[] = [Buffer.from("PAR1")];
  let offset = 4;
  const rowGroups: Uint8Array[] = [];
  for (
    let groupStart = 0;
    groupStart < Math.max(rows.length, 1);
    groupStart += Math.min(rowGroupSize, Math.max(rows.length, 1))
  ) {
    const groupRows = rows.slice(groupStart, groupStart + rowGroupSize);
    const groupOffset = offset;
    for (const leaf of leaves) {
      leaf.repetition = [];
      leaf.definition = [];
      leaf.values = [];
    }
    for (const row of groupRows) {
      let leafIndex = 0;
      const shred = (field: FixtureField, value: unknown, r: number, d: number, listDepth: number) => {
        const first = leafIndex;
        const count = leafCount(field);
        const emptyAt = (definition: number) => {
          for (let index = first; index < first + count; index++) {
            const leaf = leaves[index] as Leaf;
            leaf.repetition.push(r);
            leaf.definition.push(definition);
          }
          leafIndex = first + count;
        };
        if (value === null || value === undefined) {
          if (!field.optional) throw new Error(`fixture field ${field.name} is required`);
          return emptyAt(d);
        }
        const own = field.optional ? d + 1 : d;
        if (field.kind === "struct") {
          const record = value as Record<string, unknown>;
          for (const child of field.fields) shred(child, record[child.name], r, own, listDepth);
        } else if (field.kind === "list") {
          const items = value as unknown[];
          if (items.length === 0) return emptyAt(own);
          items.forEach((item, index) => {
            leafIndex = first;
            shred(field.element, item, index === 0 ? r : listDepth + 1, own + 1, listDepth + 1);
          });
        } else {
          const leaf = leaves[leafIndex++] as Leaf;
          leaf.repetition.push(r);
          leaf.definition.push(own);
          leaf.values.push(value);
        }
      };
      for (const field of fields) shred(field, row[field.name], 0, 0, 0);
    }

    const columnChunks: Uint8Array[] = [];
    for (const leaf of leaves) {
      const body = concat([
        leaf.maxRepetition > 0 ? levels(leaf.repetition, leaf.maxRepetition) : new Uint8Array(),
        leaf.maxDefinition > 0 ? levels(leaf.definition, leaf.maxDefinition) : new Uint8Array(),
        plainValues(leaf),
      ]);
      const dataPageHeader = struct([
        [1, ttype.i32, zigzag(leaf.definition.length)],
        [2, ttype.i32, zigzag(0)],
        [3, ttype.i32, zigzag(3)],
        [4, ttype.i32, zigzag(3)],
      ]);
      const header = struct([
        [1, ttype.i32, zigzag(0)],
        [2, ttype.i32, zigzag(body.length)],
        [3, ttype.i32, zigzag(body.length)],
        [5, ttype.struct, dataPageHeader],
      ]);
      const pageOffset = offset;
      chunks.push(header, body);
      offset += header.length + body.length;
      const size = header.length + body.length;
      const metadata = struct([
        [1, ttype.i32, zigzag(PHYSICAL[leaf.kind])],
        [2, ttype.list, list(ttype.i32, [zigzag(0), zigzag(3)])],
        [3, ttype.list, list(ttype.binary, leaf.path.map(binary))],
        [4, ttype.i32, zigzag(0)],
        [5, ttype.i64, zigzag(leaf.definition.length)],
        [6, ttype.i64, zigzag(size)],
        [7, ttype.i64, zigzag(size)],
        [9, ttype.i64, zigzag(pageOffset)],
      ]);
      columnChunks.push(
        struct([
          [2, ttype.i64, zigzag(pageOffset)],
          [3, ttype.struct, metadata],
        ]),
      );
    }
    rowGroups.push(
      struct([
        [1, ttype.list, list(ttype.struct, columnChunks)],
        [2, ttype.i64, zigzag(offset - groupOffset)],
        [3, ttype.i64, zigzag(groupRows.length)],
      ]),
    );
  }
  const footer = struct([
    [1, ttype.i32, zigzag(1)],
    [2, ttype.list, list(ttype.struct, schema)],
    [3, ttype.i64, zigzag(rows.length)],
    [4, ttype.list, list(ttype.struct, rowGroups)],
  ]);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, footer.length, true);
  chunks.push(footer, length, Buffer.from("PAR1"));
  return concat(chunks);
}

function leafCount(field: FixtureField): number {
  if (field.kind === "struct") return field.fields.reduce((sum, child) => sum + leafCount(child), 0);
  if (field.kind === "list") return leafCount(field.element);
  return 1;
}

function element(options: {
  name: string;
  repetitionType: number;
  type?: number;
  children?: number;
  converted?: number;
}): Uint8Array {
  const fields: [number, number, Uint8Array][] = [];
  if (options.type !== undefined) fields.push([1, ttype.i32, zigzag(options.type)]);
  fields.push([3, ttype.i32, zigzag(options.repetitionType)]);
  fields.push(nameField(options.name));
  if (options.children !== undefined) fields.push([5, ttype.i32, zigzag(options.children)]);
  if (options.converted !== undefined) fields.push([6, ttype.i32, zigzag(options.converted)]);
  return struct(fields);
}

function nameField(name: string): [number, number, Uint8Array] {
  return [4, ttype.binary, binary(name)];
}

function plainValues(leaf: Leaf): Uint8Array {
  if (leaf.kind === "boolean") {
    const bytes = new Uint8Array(Math.ceil(leaf.values.length / 8));
    leaf.values.forEach((value, index) => {
      if (value) bytes[index >> 3] = (bytes[index >> 3] ?? 0) | (1 << (index & 7));
    });
    return bytes;
  }
  if (leaf.kind === "int64") {
    const bytes = new Uint8Array(leaf.values.length * 8);
    const view = new DataView(bytes.buffer);
    leaf.values.forEach((value, index) => {
      view.setBigInt64(index * 8, BigInt(value as number), true);
    });
    return bytes;
  }
  return concat(
    leaf.values.map((value) => {
      const data = typeof value === "string" ? Buffer.from(value, "utf8") : (value as Uint8Array);
      const out = new Uint8Array(4 + data.length);
      new DataView(out.buffer).setUint32(0, data.length, true);
      out.set(data, 4);
      return out;
    }),
  );
}

/** RLE/bit-packed hybrid levels (RLE runs only), prefixed with their byte length. */
function levels(values: number[], max: number): Uint8Array {
  const width = Math.ceil(Math.log2(max + 1));
  const runs: number[] = [];
  for (let index = 0; index < values.length; ) {
    let end = index;
    while (end < values.length && values[end] === values[index]) end++;
    runs.push(...varint((end - index) << 1));
    for (let byte = 0; byte < Math.ceil(width / 8); byte++)
      runs.push(((values[index] ?? 0) >> (8 * byte)) & 255);
    index = end;
  }
  const out = new Uint8Array(4 + runs.length);
  new DataView(out.buffer).setUint32(0, runs.length, true);
  out.set(runs, 4);
  return out;
}

// Thrift compact protocol, only what the footer and page headers need.
const ttype = { i32: 5, i64: 6, binary: 8, list: 9, struct: 12 } as const;

function struct(fields: [number, number, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const [id, type, value] of fields) {
    parts.push(Uint8Array.of(((id - last) << 4) | type), value);
    last = id;
  }
  parts.push(Uint8Array.of(0));
  return concat(parts);
}

function list(elementType: number, items: Uint8Array[]): Uint8Array {
  const header =
    items.length < 15
      ? Uint8Array.of((items.length << 4) | elementType)
      : Uint8Array.of(0xf0 | elementType, ...varint(items.length));
  return concat([header, ...items]);
}

function binary(text: string): Uint8Array {
  const bytes = Buffer.from(text, "utf8");
  return concat([Uint8Array.from(varint(bytes.length)), bytes]);
}

function zigzag(value: number): Uint8Array {
  const encoded = value >= 0 ? value * 2 : -value * 2 - 1;
  return Uint8Array.from(varint(encoded));
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 128) {
    bytes.push((rest % 128) | 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let position = 0;
  for (const part of parts) {
    out.set(part, position);
    position += part.length;
  }
  return out;
}
