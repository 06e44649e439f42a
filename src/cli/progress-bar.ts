import type { CallEvent } from "../engine/call-executor.ts";
import type { RunProgress } from "../engine/run-cases.ts";

/**
 * A one-line progress display on a terminal's stderr, redrawn at most ten times a second.
 * Silent when stderr is not a terminal (CI logs, pipes) or when quiet.
 */
export class ProgressBar {
  readonly #enabled: boolean;
  readonly #total: number | undefined;
  #progress: RunProgress | undefined;
  #retries = 0;
  #rateLimited = 0;
  #cached = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #started = Date.now();

  constructor(options: { total?: number; quiet?: boolean; stream?: NodeJS.WriteStream }) {
    const stream = options.stream ?? process.stderr;
    this.#enabled = !options.quiet && stream.isTTY === true;
    this.#total = options.total;
  }

  /** Records run progress (called after each case). */
  update(progress: RunProgress): void {
    this.#progress = progress;
    this.#schedule();
  }

  /** Records a call event (retries, 429s and cache hits are shown). */
  call(event: CallEvent): void {
    if (event.kind === "retry") {
      this.#retries++;
      if (event.error?.includes("429") || event.error?.toLowerCase().includes("rate")) this.#rateLimited++;
    }
    if (event.kind === "cached") this.#cached++;
    this.#schedule();
  }

  /** Clears the line. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#enabled) process.stderr.write("\r\u001b[2K");
  }

  #schedule(): void {
    if (!this.#enabled || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#draw();
    }, 100);
  }

  #draw(): void {
    const progress = this.#progress;
    const finished = progress ? progress.done + progress.errored + progress.skipped : 0;
    const total = this.#total ?? (progress?.sourceExhausted ? progress.seen : undefined);
    const width = 24;
    const filled = total ? Math.min(width, Math.round((finished / total) * width)) : 0;
    const bar = total ? `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ` : "";
    const seconds = Math.round((Date.now() - this.#started) / 1000);
    const parts = [
      `${bar}${finished}${total ? `/${total}` : ""} cases`,
      progress?.errored ? `${progress.errored} errored` : "",
      progress?.skipped ? `${progress.skipped} resumed` : "",
      progress ? `${progress.inFlight} in flight` : "",
      this.#cached ? `${this.#cached} cached` : "",
      this.#retries ? `${this.#retries} retries (${this.#rateLimited} rate-limited)` : "",
      `${seconds}s`,
    ].filter(Boolean);
    process.stderr.write(`\r\u001b[2K${parts.join(" · ")}`);
  }
}
