import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startTestPostgresOrReason, type TestPostgres } from "../testing/embedded-postgres.ts";
import { storeContract } from "../testing/store-contract.ts";
import { PostgresStore } from "./postgres/postgres-store.ts";
import { SqliteStore } from "./sqlite-store.ts";

// The same suite on every backend: SQLite in memory, SQLite grouping its writes in a file, and a
// real PostgreSQL server (embedded-postgres) with and without grouped writes.
let postgres: TestPostgres | string = "PostgreSQL not started yet";
let databaseUrl = "";
let databases = 0;

beforeAll(async () => {
  postgres = await startTestPostgresOrReason();
  if (typeof postgres === "string") console.warn(postgres);
});
afterAll(async () => {
  if (typeof postgres !== "string") await postgres.stop();
});
beforeEach(async () => {
  if (typeof postgres !== "string") databaseUrl = await postgres.createDatabase(`contract_${++databases}`);
});

storeContract("SQLite in memory", () => ({
  open: () => new SqliteStore(":memory:"),
  reopen: (store) => store,
}));

storeContract("SQLite file with grouped writes", () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "turnsafe-contract-")), "t.db");
  return { open: () => new SqliteStore(file, { commitIntervalMs: 50 }), reopen: () => new SqliteStore(file) };
});

storeContract("PostgreSQL", () =>
  typeof postgres === "string"
    ? postgres
    : { open: () => new PostgresStore(databaseUrl), reopen: () => new PostgresStore(databaseUrl) },
);

storeContract("PostgreSQL with grouped writes", () =>
  typeof postgres === "string"
    ? postgres
    : {
        open: () => new PostgresStore(databaseUrl, { commitIntervalMs: 50 }),
        reopen: () => new PostgresStore(databaseUrl),
      },
);
