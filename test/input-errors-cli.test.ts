import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { runCli } from "./cli-helpers.ts";

describe("turnsafe run: bad input exits 2 with a message naming the file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-input-cli-"));

  it("a YAML alias bomb and an empty data file leave no run behind; bad data stops the run, keeping what was played", async () => {
    const bomb = path.join(dir, "bomb.yaml");
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [index, name] of [..."bcdefgh"].entries())
      levels.push(`${name}: &${name} [${Array(9).fill(`*${"abcdefgh"[index]}`).join(",")}]`);
    writeFileSync(bomb, levels.join("\n"));
    const exploded = await runCli(["run", bomb]);
    expect(exploded.code).toBe(2);
    expect(exploded.stderr).toMatch(`turnsafe: ${bomb}: cannot be read as YAML`);
    expect(exploded.stderr).not.toMatch(/\n\s+at /);

    const store = path.join(dir, "store.db");
    writeFileSync(path.join(dir, "empty.jsonl"), "\n\n");
    const config = path.join(dir, "config.yaml");
    writeFileSync(config, `data: empty.jsonl\ntarget: simulator\nstore: ${store}\n`);
    const empty = await runCli(["run", config, "--json"]);
    expect(existsSync(store)).toBe(false);
    expect(empty.code).toBe(2);
    expect(JSON.parse(empty.stdout).error.message).toBe(
      `${path.join(dir, "empty.jsonl")}: no dialogues in the file (it is empty)`,
    );

    writeFileSync(
      path.join(dir, "bad.jsonl"),
      '{"id":"a","messages":[{"role":"user","content":"hi"}]}\n{"id":\n',
    );
    const bad = await runCli([
      "run",
      config,
      "--data",
      path.join(dir, "bad.jsonl"),
      "--max-line-bytes",
      "4096",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.jsonl:2: invalid JSON/);
    expect(bad.stderr).toMatch(/1 problem in the data; nothing from line 2 on was played/);
    // The data streams into the run: the dialogue before the bad line was played and is kept.
    const opened = new SqliteStore(store);
    const [run] = opened.listRuns();
    expect(run?.status).toBe("failed");
    expect(opened.countCases(run?.id ?? "")).toMatchObject({ done: 1, pending: 0 });
    opened.close();

    const typo = path.join(dir, "typo.yaml");
    writeFileSync(
      typo,
      `data: bad.jsonl\nstore: ${store}\ntargets:\n  - simulator\n  - { provider: openia, model: m }\n`,
    );
    writeFileSync(path.join(dir, "bad.jsonl"), '{"id":"a","messages":[{"role":"user","content":"hi"}]}\n');
    const provider = await runCli(["run", typo]);
    expect(provider.code).toBe(2);
    expect(provider.stderr).toMatch(
      `${typo}:5: targets.1.provider: expected one of openai, anthropic, google, openai-compatible, simulator`,
    );
  }, 60_000);

  it("prints a warning naming file:line for invalid UTF-8 and still runs", async () => {
    const data = path.join(dir, "latin1.jsonl");
    writeFileSync(
      data,
      Buffer.concat([
        Buffer.from('{"id":"a","messages":[{"role":"user","content":"caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}]}\n'),
      ]),
    );
    const config = path.join(dir, "warn.yaml");
    writeFileSync(
      config,
      `data: latin1.jsonl\ntarget: simulator\nstore: ${path.join(dir, "warn.db")}\nreportDir: ${path.join(dir, "reports")}\n`,
    );
    const result = await runCli(["run", config]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(`warning: ${data}:1: invalid UTF-8, replaced with U+FFFD`);
  }, 60_000);
});
