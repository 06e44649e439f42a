import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunConfigSchema } from "../../config/run-config.ts";
import { DATA_HASH_BLOCK_BYTES } from "../../dialogue/streamed-data-hash.ts";
import { openStore } from "../../engine/open-store.ts";
import { InputError } from "../../errors.ts";
import { parseSimulatorScript } from "../../simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../../simulator/simulator-server.ts";
import { executeDialogueRun } from "./dialogues-benchmark.ts";
import { planDialogueRun } from "./plan-dialogue-run.ts";

// The run id uses a size/mtime/head-tail fingerprint of the data file, which cannot see an edit in
// the middle that keeps the size and the modification time. The whole file is hashed as it
// streams, and a later session of the run is checked against that hash block by block.
let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({
    script: parseSimulatorScript(
      "rules:\n  - name: broken\n    when: { last_user_contains: BREAK }\n    error: { status: 400 }\ndefault: { comply: true }\n",
      "test",
    ),
  });
});
afterAll(() => simulator.close());

const FIXED_TIME = 1_700_000_000; // whole seconds, so the time stamp can be set back exactly
const LINES = 300;
const PAD = "x".repeat(2000);

describe("an edit in the middle of the data that keeps size and modification time", () => {
  it("stops the next session of the run before anything of the changed data is played", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-data-edit-"));
    const data = path.join(dir, "data.jsonl");
    // ~600 KB: the last dialogue fails (so a rerun with retryErrored replays it), the edit is
    // far from both ends of the file and in an earlier hash block than the failing dialogue.
    const lines = Array.from({ length: LINES }, (_, index) =>
      JSON.stringify({
        id: `d${index}`,
        messages: [{ role: "user", content: `${index === LINES - 1 ? "BREAK " : "alpha "}${index} ${PAD}` }],
      }),
    );
    writeFileSync(data, `${lines.join("\n")}\n`);
    utimesSync(data, FIXED_TIME, FIXED_TIME);
    const config = RunConfigSchema.parse({
      data,
      targets: [{ provider: "openai-compatible", model: "m", baseURL: simulator.url }],
      store: path.join(dir, "store.db"),
      reportDir: path.join(dir, "reports"),
      cache: false,
    });
    const run = async (retryErrored: boolean) => {
      const planned = await planDialogueRun(config, { baseDir: dir, env: {}, retryErrored });
      try {
        return await executeDialogueRun(planned.plan);
      } finally {
        await planned.close();
      }
    };
    const first = await run(false);
    expect(first.counts).toMatchObject({ done: LINES - 1, errored: 1 });

    // Unchanged, the rerun passes the check (and replays the failed dialogue).
    const again = await run(true);
    expect(again.run.id).toBe(first.run.id);

    const text = readFileSync(data, "utf8");
    const middle = text.indexOf('"alpha 150 ');
    // Beyond the fingerprint's 64 KiB at each end, in an earlier block than the last dialogue.
    expect(middle).toBeGreaterThan(128 * 1024);
    expect(middle).toBeLessThan(text.length - 128 * 1024);
    const block = (offset: number) => Math.floor(offset / DATA_HASH_BLOCK_BYTES);
    expect(block(middle)).toBeLessThan(block(text.lastIndexOf("BREAK")));
    writeFileSync(data, `${text.slice(0, middle)}"omega${text.slice(middle + 6)}`);
    utimesSync(data, FIXED_TIME, FIXED_TIME);
    expect(readFileSync(data).length).toBe(Buffer.byteLength(text));

    const error = await run(true).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(data);
    expect((error as InputError).message).toMatch(/changed since run .* began.*start a new run/s);
    // Nothing of the changed data was stored: the failed dialogue (after the edit) was not replayed.
    const store = openStore(config.store as string);
    try {
      const last = store.getCase(first.run.id, `d${LINES - 1}`);
      expect(last?.status).toBe("errored");
      expect(JSON.stringify(store.getCase(first.run.id, "d150")?.dialogue)).toContain("alpha 150");
    } finally {
      store.close();
    }
  });
});
