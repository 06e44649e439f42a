import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { StoreError } from "../../errors.ts";
import type { PgRequest, PgResponse } from "./pg-sync-worker.ts";

export type PgRow = Record<string, string | number | null>;

/** How long one request may take before the store gives up on the server. */
const REQUEST_TIMEOUT_MS = 120_000;

/**
 * The Node flags for the connection's thread: inherited as they are (undefined), except after
 * `node -e <script>`, whose `-e <script>` a worker would inherit and run instead of its own file
 * (never answering, with the caller blocked waiting). Then only the flags that shape module loading
 * are passed on (a worker refuses V8 flags such as --max-semi-space-size given explicitly).
 */
export function workerExecArgv(execArgv: readonly string[]): string[] | undefined {
  if (!execArgv.some((flag) => /^(-e|-p|--eval|--print)(=|$)/.test(flag))) return undefined;
  const kept: string[] = [];
  for (let index = 0; index < execArgv.length; index++) {
    const flag = execArgv[index] ?? "";
    const next = execArgv[index + 1];
    if (
      /^(--import|--require|-r|--conditions|-C|--loader|--experimental-loader)$/.test(flag) &&
      next !== undefined
    ) {
      kept.push(flag, next);
      index++;
    } else if (/^--(import|require|conditions|loader|experimental-loader)=|^--(no-)?experimental-/.test(flag))
      kept.push(flag);
    else if (["-e", "--eval", "-p", "--print"].includes(flag)) index++;
  }
  return kept;
}

/**
 * A synchronous PostgreSQL connection: `pg` runs in a worker thread and the caller blocks on a
 * shared flag (Atomics.wait) until the worker has the answer, then takes it off the port with
 * receiveMessageOnPort. This keeps the Store interface synchronous, as with node:sqlite; the store
 * holds its writes and sends them in batches so the blocking is rare on the hot path.
 */
export class PgSyncClient {
  readonly #worker: Worker;
  readonly #port: MessageChannel["port1"];
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  /** The connection string without its password, for messages. */
  readonly #where: string;
  #closed = false;

  constructor(url: string, where: string) {
    this.#where = where;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    // The worker is TypeScript next to this file in a checkout, JavaScript in the built package.
    const file = new URL(
      `./pg-sync-worker.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`,
      import.meta.url,
    );
    this.#worker = new Worker(file, {
      workerData: { url, port: port2, flag: this.#flag },
      transferList: [port2],
      execArgv: workerExecArgv(process.execArgv),
    });
    // Neither keeps the process alive: a store left open does not hang the command at exit.
    this.#worker.unref();
    this.#port.unref();
  }

  query(sql: string, values: unknown[] = []): { rows: PgRow[]; rowCount: number } {
    return this.#request({ op: "query", sql, values });
  }

  /** Runs the statements in one transaction (under an advisory lock on `lockKey`, if given). */
  batch(statements: [string, unknown[]][], lockKey?: number): number {
    return this.#request({ op: "batch", statements, lockKey }).rowCount;
  }

  /**
   * Sends writes to be applied in one transaction in the background, without waiting: requests
   * made after them see them; a failure is thrown by the next request that waits for an answer.
   */
  write(statements: [string, unknown[]][]): void {
    if (this.#closed) throw new StoreError(`store ${this.#where} is closed`);
    this.#port.postMessage({ op: "write", statements } satisfies PgRequest);
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.#request({ op: "close" });
    } finally {
      this.#closed = true;
      void this.#worker.terminate();
    }
  }

  #request(request: Exclude<PgRequest, { op: "write" }>): { rows: PgRow[]; rowCount: number } {
    if (this.#closed) throw new StoreError(`store ${this.#where} is closed`);
    Atomics.store(this.#flag, 0, 0);
    this.#port.postMessage(request);
    const deadline = Date.now() + REQUEST_TIMEOUT_MS;
    let message = receiveMessageOnPort(this.#port);
    while (!message) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.#flag, 0, 0, left) === "timed-out")
        throw new StoreError(
          `store ${this.#where}: no answer from PostgreSQL in ${REQUEST_TIMEOUT_MS / 1000} s`,
        );
      message = receiveMessageOnPort(this.#port);
    }
    const response = message.message as PgResponse;
    if (!response.ok)
      throw new StoreError(
        `store ${this.#where}: ${response.message}${response.code ? ` (${response.code})` : ""}`,
      );
    return { rows: response.rows as PgRow[], rowCount: response.rowCount };
  }
}
