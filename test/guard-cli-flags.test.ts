import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type GuardServeFlags, startGuardFromFlags } from "../src/cli/commands/guard-command.ts";
import { InputError } from "../src/errors.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";
import { UPSTREAM_SCRIPT } from "../src/testing/guard-test-fixtures.ts";

let dir: string;
let simulator: RunningSimulator;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "turnsafe-guard-flags-"));
  simulator = await startSimulator({ script: UPSTREAM_SCRIPT });
});
afterEach(async () => {
  await simulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function flags(extra: Partial<GuardServeFlags>): GuardServeFlags {
  return {
    upstream: simulator.url,
    moderator: "local",
    port: "0",
    host: "127.0.0.1",
    maxBodyMb: "20",
    streamWindow: "0",
    moderationTimeoutS: "30",
    upstreamTimeoutS: "300",
    streamBoundary: "sentence",
    maxMessages: "2000",
    maxTextChars: "1000000",
    auditMaxAgeDays: "30",
    auditMaxRows: "1000000",
    store: path.join(dir, "store.db"),
    quiet: true,
    ...extra,
  };
}

describe("turnsafe guard serve: timeout, limit and retention flags", () => {
  it("answers 504 when the upstream is slower than --upstream-timeout-s", async () => {
    const guard = await startGuardFromFlags(flags({ upstreamTimeoutS: "0.1" }), {}, () => undefined);
    try {
      expect(guard.summary.upstreamTimeoutS).toBe(0.1);
      const slow = await fetch(`${guard.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "sim-target", messages: [{ role: "user", content: "trigger-slow" }] }),
      });
      expect(slow.status).toBe(504);
      expect(await slow.json()).toMatchObject({ error: { code: "upstream_timeout" } });
    } finally {
      await guard.close();
    }
  });

  it.each([
    ["--upstream-timeout-s", { upstreamTimeoutS: "0" }],
    ["--stream-boundary", { streamBoundary: "word" }],
    ["--max-messages", { maxMessages: "-1" }],
    ["--max-text-chars", { maxTextChars: "many" }],
    ["--audit-max-age-days", { auditMaxAgeDays: "-2" }],
    ["--audit-max-rows", { auditMaxRows: "1.5" }],
  ])("names %s when its value is wrong", async (flag, extra) => {
    const failure = await startGuardFromFlags(flags(extra), {}, () => undefined).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as InputError).where).toBe(flag);
  });
});
