import { CancelledError, ConfigError, InputError, RunBusyError, TurnsafeError } from "../errors.ts";
import { EXIT } from "./exit-codes.ts";
import { writeStdout } from "./stdout-closed.ts";

/** Where a command writes: results to stdout, people-facing notes to stderr. */
export interface Output {
  json: boolean;
  quiet: boolean;
  /** A line for people (stderr, so stdout stays clean for --json). */
  note(line: string): void;
  /** A warning that must be seen: on stderr even with --quiet or --json. */
  warn(line: string): void;
  /** The command's result: one JSON object with --json, else the given human text. */
  result(value: unknown, human: string): void;
}

/** Builds the output for a command's `--json` / `--quiet` flags. */
export function createOutput(options: { json?: boolean; quiet?: boolean }): Output {
  const json = options.json === true;
  const quiet = options.quiet === true;
  return {
    json,
    quiet,
    note(line) {
      if (!quiet) process.stderr.write(`${line}\n`);
    },
    warn(line) {
      process.stderr.write(`\nWARNING: ${line}\n\n`);
    },
    result(value, human) {
      if (json) writeStdout(`${JSON.stringify(value)}\n`);
      else if (human) writeStdout(human.endsWith("\n") ? human : `${human}\n`);
    },
  };
}

/** Shows an error the way a person (or, with --json, a script) can act on, and picks the exit code. */
export function reportError(error: unknown, json: boolean): number {
  const code = exitCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const kind = error instanceof TurnsafeError ? error.code : "internal";
    process.stdout.write(`${JSON.stringify({ error: { code: kind, message } })}\n`);
  }
  const hint =
    code === EXIT.failure && !(error instanceof TurnsafeError) ? `\n${(error as Error)?.stack ?? ""}` : "";
  process.stderr.write(`turnsafe: ${message}${hint}\n`);
  return code;
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CancelledError) return EXIT.interrupted;
  if (error instanceof RunBusyError) return EXIT.runBusy;
  if (error instanceof InputError || error instanceof ConfigError) return EXIT.usage;
  if ((error as { code?: string })?.code?.startsWith?.("commander.")) return EXIT.usage;
  return EXIT.failure;
}
