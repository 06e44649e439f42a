import { STORE_ADDED_TABLES, STORE_SCHEMA } from "../sqlite-schema.ts";

/**
 * The store's SQL is written once, in the SQLite dialect the embedded store runs, kept to what
 * translates mechanically to PostgreSQL: `?` placeholders become `$1, $2...`, `INSERT OR IGNORE`
 * becomes `ON CONFLICT DO NOTHING` and `INSERT OR REPLACE` an upsert on the table's primary key.
 * Queries that need SQLite's JSON functions have PostgreSQL versions in postgres-queries.ts.
 */

/** The schema's DDL for PostgreSQL: the same tables, with PostgreSQL's names for the types. */
export function toPostgresDdl(ddl: string): string {
  return ddl
    .replace(/\)\s*WITHOUT ROWID/g, ")")
    .replace(/\bREAL\b/g, "DOUBLE PRECISION")
    .replace(/\bINTEGER\b/g, "BIGINT");
}

/** Primary-key columns of every table of the schema, read from its DDL. */
function primaryKeys(ddl: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const match of ddl.matchAll(
    /CREATE TABLE IF NOT EXISTS (\w+) \(([\s\S]*?)\n?\)(?:\s*WITHOUT ROWID)?;/g,
  )) {
    const [, table = "", body = ""] = match;
    const composite = /PRIMARY KEY \(([^)]*)\)/.exec(body);
    if (composite?.[1])
      keys.set(
        table,
        composite[1].split(",").map((column) => column.trim()),
      );
    else {
      const single = /(\w+) [A-Z]+ PRIMARY KEY/.exec(body);
      if (single?.[1]) keys.set(table, [single[1]]);
    }
  }
  return keys;
}

export const PRIMARY_KEYS: ReadonlyMap<string, string[]> = primaryKeys(
  `${STORE_SCHEMA}\n${STORE_ADDED_TABLES}`,
);

/** `?` placeholders (outside quoted text) as `$1, $2...`. */
function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (token) => (token === "?" ? `$${++n}` : token));
}

function upsert(table: string, columns: string, rest: string): string {
  const key = PRIMARY_KEYS.get(table);
  if (!key) throw new Error(`INSERT OR REPLACE into ${table}: no primary key known for it`);
  const updates = columns
    .split(",")
    .map((column) => column.trim())
    .filter((column) => !key.includes(column))
    .map((column) => `${column} = EXCLUDED.${column}`);
  const action = updates.length > 0 ? `DO UPDATE SET ${updates.join(", ")}` : "DO NOTHING";
  return `INSERT INTO ${table} (${columns})${rest} ON CONFLICT (${key.join(", ")}) ${action}`;
}

const translated = new Map<string, string>();

/** The PostgreSQL form of one statement of the store (memoised: the store reuses its SQL). */
export function toPostgresSql(sql: string): string {
  let result = translated.get(sql);
  if (result !== undefined) return result;
  result = numberPlaceholders(sql);
  const replace = /^\s*INSERT OR REPLACE INTO (\w+)\s*\(([^)]*)\)([\s\S]*)$/i.exec(result);
  if (replace) result = upsert(replace[1] ?? "", replace[2] ?? "", (replace[3] ?? "").trimEnd());
  const ignore = /^\s*INSERT OR IGNORE INTO ([\s\S]*)$/i.exec(result);
  if (ignore) result = `INSERT INTO ${(ignore[1] ?? "").trimEnd()} ON CONFLICT DO NOTHING`;
  translated.set(sql, result);
  return result;
}
