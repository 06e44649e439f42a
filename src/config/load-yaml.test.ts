import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { parseTargetSpec } from "../targets/provider-spec.ts";
import { loadYamlFile, parseYamlText } from "./load-yaml.ts";
import { RunConfigSchema } from "./run-config.ts";

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-yaml-"));

/** A billion-laughs document: each level refers to the previous one nine times. */
const aliasBomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ..."bcdefgh".split("").map((name, index) => {
    const previous = "abcdefgh"[index];
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]`;
  }),
].join("\n");

describe("loadYamlFile", () => {
  it("turns a YAML alias bomb into an InputError naming the file", () => {
    const file = path.join(dir, "bomb.yaml");
    writeFileSync(file, aliasBomb);
    const error = (() => {
      try {
        loadYamlFile(file, RunConfigSchema);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(`${file}: cannot be read as YAML: Excessive alias count`);
  });

  it("names the line and field, suggests the nearest key, and says what was expected and found", () => {
    const yaml = [
      "nmae: nightly",
      "data: d.jsonl",
      "targets: [simulator]",
      'concurrency: "lots"',
      "limits:",
      "  maxImageByte: 5",
    ].join("\n");
    const run = () => parseYamlText(yaml, "config.yaml", RunConfigSchema);
    expect(run).toThrow(InputError);
    expect(run).toThrow('config.yaml:1: nmae: unknown field (did you mean "name"?)');
    expect(run).toThrow('config.yaml:4: concurrency: expected number, found "lots" (string)');
    expect(run).toThrow('config.yaml:6: limits.maxImageByte: unknown field (did you mean "maxImageBytes"?)');
    expect(run).toThrow(/^config\.yaml: 3 problems:/);
    expect(() =>
      parseYamlText("data: d.jsonl\ntargets: [simulator]\ncache: 3\n", "c.yaml", RunConfigSchema),
    ).toThrow("c.yaml:3: cache: expected boolean, found 3 (number)");
  });

  it("explains a judge by the form it resembles, or lists the accepted forms", () => {
    const judges = (value: string) => () =>
      parseYamlText(`data: d.jsonl\ntarget: simulator\njudges: ${value}\n`, "c.yaml", RunConfigSchema);
    expect(judges("[{type: safety, modle: x}]")).toThrow(
      'c.yaml:3: judges.0.modle: unknown field (did you mean "model"?)',
    );
    expect(judges("[{type: moderator}]")).toThrow("c.yaml:3: judges.0.moderator: required (expected string)");
    expect(judges("[foo]")).toThrow(
      /c\.yaml:3: judges\.0: expected refusal, \{type: safety.*found "foo" \(string\)$/,
    );
  });

  it("lists simulator among the providers", () => {
    expect(() => parseTargetSpec({ provider: "openia", model: "m" }, "targets.0")).toThrow(
      /targets\.0\.provider: expected one of openai, anthropic, google, openai-compatible, simulator .*found "openia"/,
    );
    expect(() => parseTargetSpec("gpt-4o", "--target 1")).toThrow(/providers: .*simulator/);
  });

  it("refuses a FIFO as a config file instead of blocking", () => {
    const fifo = path.join(dir, "pipe.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(() => loadYamlFile(fifo, RunConfigSchema)).toThrow(
      `${fifo}: cannot read file: not a regular file`,
    );
  });
});
