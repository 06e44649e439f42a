import type { CallEvent } from "../engine/call-executor.ts";
import type { ExecutorStats } from "../engine/call-stats.ts";
import type { RunProgress } from "../engine/run-cases.ts";

/** The stream progress goes to: stderr, or a stand-in in tests. */
export type ProgressStream = Pick<NodeJS.WriteStream, "write"> & { isTTY?: boolean };

export interface ProgressBarOptions {
  /** Cases expected; a promise when they are counted while the run plays. */
  total?: number | PromiseLike<number | undefined>;
  quiet?: boolean;
  stream?: ProgressStream;
  /** Plain mode (not a terminal): a line at least this often (default 5 s)... */
  intervalMs?: number;
  /** ...and at each tenth of the total, but never more often than this (default 1 s). */
  minIntervalMs?: number;
}

/** What one progress line shows. */
interface Snapshot {
  finished: number;
  total: number | undefined;
  errored: number;
  resumed: number;
  cached: number;
  inFlight: number | undefined;
  allowed: number | undefined;
  maxConcurrency: number | undefined;
  retries: number;
  rateLimited: number;
  serverErrors: number;
  seconds: number;
}

/**
 * Run progress on stderr. On a terminal: one line redrawn at most ten times a second. Otherwise
 * (CI logs, pipes): plain lines, every `intervalMs` and at each tenth of the run, e.g.
 * `turnsafe: 1200/2000 cases, in flight 58/64, retries 31, 429s 22 (concurrency 48/64), 5xx/timeouts 9, errors 0, 14.2 s`.
 * Silent when quiet. Calls in flight, retries, 429s and the allowed concurrency come from the
 * executor's stats when `watch` is given them, else from call events.
 */
export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #mode: "tty" | "plain" | "off";
  #total: number | undefined;
  readonly #intervalMs: number;
  readonly #minIntervalMs: number;
  #progress: RunProgress | undefined;
  #stats: (() => ExecutorStats) | undefined;
  #retries = 0;
  #rateLimited = 0;
  #serverErrors = 0;
  #cached = 0;
  #timer: NodeJS.Timeout | undefined;
  #ticker: NodeJS.Timeout | undefined;
  readonly #started = Date.now();
  #lastLine = 0;
  #lastTenth = 0;
  #printed = false;

  constructor(options: ProgressBarOptions) {
    this.#stream = options.stream ?? process.stderr;
    this.#mode = options.quiet ? "off" : this.#stream.isTTY === true ? "tty" : "plain";
    if (typeof options.total === "number") this.#total = options.total;
    else
      options.total?.then((total) => {
        this.#total = total;
      });
    this.#intervalMs = options.intervalMs ?? 5000;
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
    this.#lastLine = this.#started;
  }

  /** Reads calls in flight, retries, 429s and concurrency from the executor from now on. */
  watch(stats: () => ExecutorStats): void {
    this.#stats = stats;
  }

  /** Records run progress (called after each case). */
  update(progress: RunProgress): void {
    this.#progress = progress;
    this.#schedule();
  }

  /** Records a call event (retries, 429s and cache hits are shown). */
  call(event: CallEvent): void {
    if (event.kind === "retry") this.#retries++;
    if (event.kind === "retry" || event.kind === "failed") {
      if (event.errorKind === "rate-limited") this.#rateLimited++;
      if (event.errorKind === "server" || event.errorKind === "timeout") this.#serverErrors++;
    }
    if (event.kind === "cached") this.#cached++;
    this.#schedule();
  }

  /** Clears the terminal line, or prints a last plain line when earlier ones were printed. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#ticker) clearInterval(this.#ticker);
    this.#timer = undefined;
    this.#ticker = undefined;
    if (this.#mode === "tty") this.#stream.write("\r\u001b[2K");
    if (this.#mode === "plain" && this.#printed) {
      this.#printed = false;
      this.#stream.write(`${formatPlainLine(this.#snapshot())}\n`);
    }
  }

  #schedule(): void {
    if (this.#mode === "plain") {
      // One unref'd ticker checks whether a line is due, so events cost nothing more.
      this.#ticker ??= setInterval(() => this.#tick(), Math.min(250, this.#minIntervalMs)).unref();
      return;
    }
    if (this.#mode !== "tty" || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#stream.write(`\r\u001b[2K${formatTerminalLine(this.#snapshot())}`);
    }, 100);
  }

  #tick(): void {
    const now = Date.now();
    const snapshot = this.#snapshot();
    const tenth = snapshot.total ? Math.floor((snapshot.finished / snapshot.total) * 10) : 0;
    const due =
      now - this.#lastLine >= this.#intervalMs ||
      (tenth > this.#lastTenth && tenth < 10 && now - this.#lastLine >= this.#minIntervalMs);
    if (!due) return;
    this.#lastLine = now;
    this.#lastTenth = tenth;
    this.#printed = true;
    this.#stream.write(`${formatPlainLine(snapshot)}\n`);
  }

  #snapshot(): Snapshot {
    const progress = this.#progress;
    const stats = this.#stats?.();
    return {
      finished: progress ? progress.done + progress.errored + progress.skipped : 0,
      total: this.#total ?? (progress?.sourceExhausted ? progress.seen : undefined),
      errored: progress?.errored ?? 0,
      resumed: progress?.skipped ?? 0,
      cached: this.#cached,
      inFlight: stats?.inFlight ?? progress?.inFlight,
      allowed: stats?.allowed,
      maxConcurrency: stats?.maxConcurrency,
      retries: stats?.retries ?? this.#retries,
      rateLimited: stats?.rateLimited ?? this.#rateLimited,
      serverErrors: stats?.serverErrors ?? this.#serverErrors,
      seconds: (Date.now() - this.#started) / 1000,
    };
  }
}

function cases(snapshot: Snapshot): string {
  return `${snapshot.finished}${snapshot.total ? `/${snapshot.total}` : ""} cases`;
}

/** Calls in flight over the configured concurrency (cases in flight when no executor is watched). */
function inFlight(snapshot: Snapshot): string {
  return snapshot.maxConcurrency === undefined
    ? `${snapshot.inFlight}`
    : `${snapshot.inFlight}/${snapshot.maxConcurrency}`;
}

function formatPlainLine(snapshot: Snapshot): string {
  const parts = [`turnsafe: ${cases(snapshot)}`];
  if (snapshot.inFlight !== undefined) parts.push(`in flight ${inFlight(snapshot)}`);
  const concurrency =
    snapshot.allowed !== undefined ? ` (concurrency ${snapshot.allowed}/${snapshot.maxConcurrency})` : "";
  parts.push(`retries ${snapshot.retries}`, `429s ${snapshot.rateLimited}${concurrency}`);
  parts.push(`5xx/timeouts ${snapshot.serverErrors}`, `errors ${snapshot.errored}`);
  if (snapshot.resumed) parts.push(`resumed ${snapshot.resumed}`);
  if (snapshot.cached) parts.push(`cached ${snapshot.cached}`);
  parts.push(`${snapshot.seconds.toFixed(1)} s`);
  return parts.join(", ");
}

function formatTerminalLine(snapshot: Snapshot): string {
  const { total, finished } = snapshot;
  const width = 24;
  const filled = total ? Math.min(width, Math.round((finished / total) * width)) : 0;
  const bar = total ? `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ` : "";
  const throttled =
    snapshot.allowed !== undefined &&
    snapshot.maxConcurrency !== undefined &&
    snapshot.allowed < snapshot.maxConcurrency
      ? ` (concurrency ${snapshot.allowed}/${snapshot.maxConcurrency})`
      : "";
  const parts = [
    `${bar}${cases(snapshot)}`,
    snapshot.errored ? `${snapshot.errored} errored` : "",
    snapshot.resumed ? `${snapshot.resumed} resumed` : "",
    snapshot.inFlight !== undefined
      ? `${inFlight(snapshot)} ${snapshot.allowed === undefined ? "cases" : "calls"} in flight${throttled}`
      : "",
    snapshot.cached ? `${snapshot.cached} cached` : "",
    snapshot.retries
      ? `${snapshot.retries} retries (${snapshot.rateLimited} × 429, ${snapshot.serverErrors} × 5xx/timeout)`
      : "",
    `${Math.round(snapshot.seconds)}s`,
  ].filter(Boolean);
  return parts.join(" · ");
}
