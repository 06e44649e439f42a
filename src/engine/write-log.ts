import { closeSync, ftruncateSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { StoreError } from "../errors.ts";
import { processAlive } from "./process-alive.ts";

/** One logged write: the name of a store statement and the values bound to it. */
export type LoggedWrite = [statement: string, values: (string | number | null)[]];

const LOG_MARK = "-turnsafe-log-";

/** One log line: a store statement's name and its values, as JSON. */
export function logLine(name: string, values: LoggedWrite[1]): string {
  return `${JSON.stringify([name, values])}\n`;
}

/**
 * An append-only file of the writes a store has made since its last commit, one JSON line each,
 * written (without fsync) before the write is applied. A killed process leaves it behind, and the
 * next process to open the store replays it, so a kill loses no answered call even though the
 * store commits to SQLite only every second or so. Each process writes its own log, named after
 * its pid, so a log is only replayed once the process that wrote it is gone.
 */
export class WriteLog {
  readonly file: string;
  #fd: number | undefined;

  constructor(storeFile: string) {
    const suffix = Math.random().toString(36).slice(2, 8);
    this.file = `${path.resolve(storeFile)}${LOG_MARK}${process.pid}-${suffix}`;
  }

  /** Appends lines (each already ending in a newline) in one write. */
  append(lines: string): void {
    try {
      this.#fd ??= openSync(this.file, "a", 0o600);
      writeSync(this.#fd, lines);
    } catch (error) {
      throw new StoreError(`cannot write the store's write log ${this.file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Empties the log once everything in it is committed. */
  clear(): void {
    if (this.#fd !== undefined) ftruncateSync(this.#fd, 0);
  }

  /** Closes and removes the log (call only once everything in it is committed). */
  remove(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    rmSync(this.file, { force: true });
  }
}

/** Logs beside a store left by processes that are gone, oldest first. */
export function orphanedLogs(storeFile: string): string[] {
  const resolved = path.resolve(storeFile);
  const dir = path.dirname(resolved);
  const prefix = `${path.basename(resolved)}${LOG_MARK}`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter(
      (name) => name.startsWith(prefix) && !processAlive(Number(name.slice(prefix.length).split("-")[0])),
    )
    .map((name) => path.join(dir, name))
    .sort();
}

/**
 * The writes of a log file, each checked to name one of `known`. A torn last line (the process
 * died mid-write) is skipped; any other bad line is an error naming the file and line. A log that
 * is gone (replayed and removed by another process meanwhile) has no writes left.
 */
export function readLog(file: string, known: ReadonlySet<string>): LoggedWrite[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    // Another process opening the store at the same time replayed and removed it first.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new StoreError(`cannot read the write log ${file}: ${(error as Error).message}`, { cause: error });
  }
  const lines = text.split("\n");
  const writes: LoggedWrite[] = [];
  lines.forEach((line, index) => {
    if (line === "") return;
    let write: LoggedWrite;
    try {
      write = JSON.parse(line) as LoggedWrite;
    } catch (error) {
      if (index >= lines.length - 2) return;
      throw new StoreError(
        `write log ${file}:${index + 1} is not valid JSON; move it away to open the store`,
        {
          cause: error,
        },
      );
    }
    if (!Array.isArray(write) || !known.has(write[0]) || !Array.isArray(write[1]))
      throw new StoreError(`write log ${file}:${index + 1}: unknown write "${String(write?.[0])}"`);
    writes.push(write);
  });
  return writes;
}
