import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { writeMtmcsFixture } from "../../testing/mtmcs-fixture.ts";
import { type MtmcsRunFlags, planMtmcsRun, registerMtmcsCommand } from "./mtmcs-command.ts";

/** `mtmcs run`'s flags as commander parses them (defaults included), without running it. */
function runFlags(args: string[]): MtmcsRunFlags {
  const program = new Command("turnsafe").exitOverride();
  registerMtmcsCommand(program);
  const run = program.commands.find((command) => command.name() === "mtmcs")?.commands[0];
  if (!run) throw new Error("no mtmcs run command");
  run.parseOptions(args);
  return run.opts() as MtmcsRunFlags;
}

async function planned(extra: string[]): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-mtmcs-concurrency-"));
  await writeMtmcsFixture(path.join(dir, "data"), { format: "jsonl", images: "files" });
  const flags = runFlags([
    "--data",
    path.join(dir, "data"),
    "--target",
    "simulator#one",
    "--judge",
    "simulator#judge",
    "--store",
    path.join(dir, "store.db"),
    ...extra,
  ]);
  await using scope = new AsyncDisposableStack();
  return (await planMtmcsRun(flags, scope)).concurrency;
}

describe("mtmcs run: cases in flight", () => {
  it("follow the connection budgets when --concurrency is not given", async () => {
    // Target 64 connections, judge (and captioner: the judge) another 64, plus a quarter.
    expect(await planned(["--endpoint-concurrency", "64"])).toBe(160);
    expect(await planned([])).toBe(20);
  });
  it("are --concurrency when given", async () => {
    expect(await planned(["--endpoint-concurrency", "64", "--concurrency", "5"])).toBe(5);
  });
});
