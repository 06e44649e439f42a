import { describe, expect, it } from "vitest";
import type { ExecutorStats } from "../engine/call-stats.ts";
import { ProgressBar } from "./progress-bar.ts";

function capture(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) > 0 } };
}

const stats: ExecutorStats = {
  retries: 31,
  rateLimited: 22,
  serverErrors: 9,
  failedCalls: 0,
  inFlight: 40,
  allowed: 44,
  maxConcurrency: 64,
  endpoints: [],
};
const progress = { seen: 1200, sourceExhausted: false, skipped: 0, done: 1198, errored: 2, inFlight: 64 };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("ProgressBar", () => {
  it("prints periodic plain lines with retries, 429s and concurrency when stderr is not a terminal", async () => {
    const { written, stream } = capture(false);
    const bar = new ProgressBar({ total: 2000, stream, intervalMs: 60, minIntervalMs: 20 });
    bar.watch(() => stats);
    bar.update(progress);
    await wait(400);
    bar.stop();
    expect(written.length).toBeGreaterThanOrEqual(2);
    for (const line of written)
      expect(line).toMatch(
        /^turnsafe: 1200\/2000 cases, in flight 40\/64, retries 31, 429s 22 \(concurrency 44\/64\), 5xx\/timeouts 9, errors 2, \d+\.\d s\n$/,
      );
  });

  it("prints nothing in plain mode for a run shorter than the interval, and nothing when quiet", async () => {
    const short = capture(false);
    const bar = new ProgressBar({ stream: short.stream, intervalMs: 10_000 });
    bar.update(progress);
    await wait(50);
    bar.stop();
    expect(short.written).toEqual([]);
    const quiet = capture(false);
    const silent = new ProgressBar({ stream: quiet.stream, quiet: true, intervalMs: 10 });
    silent.update(progress);
    await wait(50);
    silent.stop();
    expect(quiet.written).toEqual([]);
  });

  it("shows calls in flight and a cut concurrency on a terminal, counting 429s from events without stats", async () => {
    const terminal = capture(true);
    const bar = new ProgressBar({ total: 2000, stream: terminal.stream });
    bar.watch(() => stats);
    bar.update(progress);
    await wait(150);
    expect(terminal.written.at(-1)).toContain("40/64 calls in flight (concurrency 44/64)");
    expect(terminal.written.at(-1)).toContain("31 retries (22 × 429, 9 × 5xx/timeout)");
    bar.stop();
    const events = capture(true);
    const plain = new ProgressBar({ stream: events.stream });
    for (const errorKind of ["rate-limited", "rate-limited", "server"] as const)
      plain.call({ kind: "retry", role: "target", targetId: "t", attempt: 1, errorKind });
    await wait(150);
    expect(events.written.at(-1)).toContain("3 retries (2 × 429, 1 × 5xx/timeout)");
    plain.stop();
  });
});
