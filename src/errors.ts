/** Base class of every error turnsafe throws on purpose; `code` is stable for scripts. */
export class TurnsafeError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad user input: a file, line or field that must be fixed. `where` names it. */
export class InputError extends TurnsafeError {
  readonly where: string | undefined;
  constructor(message: string, where?: string, options?: { cause?: unknown }) {
    super("input", where ? `${where}: ${message}` : message, options);
    this.where = where;
  }
}

/** A configuration value is missing or wrong (config file, flag or environment). */
export class ConfigError extends TurnsafeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("config", message, options);
  }
}

/** A model endpoint failed; `retryable` and `retryAfterMs` guide the scheduler. */
export class TargetError extends TurnsafeError {
  readonly kind: TargetErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: TargetErrorKind,
    message: string,
    details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`target.${kind}`, message, { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Whether trying the same request again may succeed. */
  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }
}

export type TargetErrorKind =
  | "rate-limited"
  | "server"
  | "timeout"
  | "network"
  | "malformed"
  | "client"
  | "auth"
  | "unsupported"
  | "aborted";

const RETRYABLE_KINDS = new Set<TargetErrorKind>([
  "rate-limited",
  "server",
  "timeout",
  "network",
  "malformed",
]);

/** The embedded store could not be read or written. */
export class StoreError extends TurnsafeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("store", message, options);
  }
}

/** Another live command is playing the run; `holder` names its process and since when. */
export class RunBusyError extends TurnsafeError {
  readonly runId: string;
  readonly holder: { host: string; pid: number; since: string; heartbeatAt: string };
  constructor(runId: string, holder: RunBusyError["holder"]) {
    super(
      "run-busy",
      `run ${runId} is being played by another command (pid ${holder.pid} on ${holder.host}, since ` +
        `${holder.since}, last heartbeat ${holder.heartbeatAt}); rerun with --wait to wait for it ` +
        "and then report, or stop that command first",
    );
    this.runId = runId;
    this.holder = holder;
  }
}

/** An image could not be loaded, fetched or encoded. */
export class ImageError extends TurnsafeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("image", message, options);
  }
}

/** Work was cancelled (Ctrl-C, SIGTERM or an abort signal). */
export class CancelledError extends TurnsafeError {
  constructor(message = "cancelled") {
    super("cancelled", message);
  }
}

/** A short, single-line description of any thrown value, safe to store. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.split("\n")[0] ?? error.name;
  return String(error);
}
