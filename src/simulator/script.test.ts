import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { DEFAULT_SIMULATOR_SCRIPT_YAML } from "./default-script.ts";
import {
  defaultSimulatorScript,
  loadSimulatorScript,
  parseSimulatorScript,
  simulatorScriptFrom,
} from "./script.ts";

function parseError(text: string): InputError {
  try {
    parseSimulatorScript(text, "behaviours.yaml");
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected the script to be rejected");
}

describe("parseSimulatorScript", () => {
  it("reads a full script into its compiled shape", () => {
    const script = parseSimulatorScript(
      [
        "seed: 3",
        "latency_ms: 100",
        "faults:",
        "  - probability: 0.3",
        "    error: { status: 429, retry_after_s: 2 }",
        "  - probability: 0.05",
        "    timeout: { hold_ms: 500 }",
        "rules:",
        "  - name: late",
        "    when: { turn: { min: 3 }, model: 'gpt-*' }",
        "    comply: true",
        "    latency_ms: [10, 20]",
        "  - when: { last_user_contains: [Bomb, poison] }",
        "    refuse: true",
        "default:",
        "  json: { verdict: safe }",
      ].join("\n"),
      "behaviours.yaml",
    );
    expect(script.seed).toBe(3);
    expect(script.latencyMs).toEqual([100, 100]);
    expect(script.faults[0]).toMatchObject({
      name: "faults.0",
      probability: 0.3,
      response: { kind: "error", status: 429, retryAfterSeconds: 2 },
    });
    expect(script.faults[1]?.response).toEqual({ kind: "timeout", holdMs: 500 });
    expect(script.rules[0]).toMatchObject({ name: "late", when: { turnMin: 3 }, latencyMs: [10, 20] });
    expect(script.rules[0]?.when.models?.[0]?.test("gpt-4o")).toBe(true);
    expect(script.rules[0]?.when.models?.[0]?.test("claude")).toBe(false);
    expect(script.rules[1]).toMatchObject({
      name: "rules.1",
      when: { lastUserContains: ["bomb", "poison"] },
    });
    expect(script.fallback.response).toEqual({ kind: "json", value: { verdict: "safe" } });
  });

  it("fills defaults for an empty script", () => {
    const script = parseSimulatorScript("", "empty.yaml");
    expect(script).toMatchObject({
      seed: 0,
      latencyMs: [0, 0],
      faults: [],
      rules: [],
      models: ["turnsafe-sim"],
    });
    expect(script.fallback.response).toEqual({ kind: "comply" });
  });

  it("names the file, field path and line of a wrong type", () => {
    const error = parseError(
      "rules:\n  - refuse: true\n  - comply: true\n  - when:\n      turn:\n        min: two\n    refuse: true\n",
    );
    expect(error.message).toMatch(/^behaviours\.yaml: rules\.2\.when\.turn\.min: expected number/);
    expect(error.message).toContain("(line 6)");
    expect(error.where).toBe("behaviours.yaml: rules.2.when.turn.min");
  });

  it("rejects unknown fields by name", () => {
    const error = parseError("rules:\n  - when:\n      lastuser_contains: a\n    refuse: true\n");
    expect(error.message).toBe("behaviours.yaml: rules.0.when.lastuser_contains: unknown field (line 3)");
  });

  it("requires exactly one response per rule", () => {
    expect(parseError("rules:\n  - when: { turn: { min: 1 } }\n").message).toMatch(
      /rules\.0: needs exactly one of reply/,
    );
    expect(parseError("rules:\n  - refuse: true\n    comply: true\n").message).toContain(
      "found: refuse, comply",
    );
  });

  it("allows only fault kinds in faults and caps their total probability", () => {
    expect(parseError("faults:\n  - probability: 0.1\n    comply: true\n").message).toMatch(
      /faults\.0: needs exactly one of error, timeout, malformed/,
    );
    expect(
      parseError(
        "faults:\n  - probability: 0.7\n    malformed: true\n  - probability: 0.5\n    timeout: true\n",
      ).message,
    ).toMatch(/faults: probabilities add up to 1\.2/);
    expect(parseError("faults:\n  - probability: 1.5\n    malformed: true\n").message).toMatch(
      /faults\.0\.probability/,
    );
  });

  it("checks templates, regular expressions and ranges", () => {
    expect(parseError("rules:\n  - reply: 'hi {{name}}'\n").message).toMatch(
      /rules\.0\.reply: unknown template field/,
    );
    expect(parseError("rules:\n  - when: { last_user_matches: '((' }\n    refuse: true\n").message).toMatch(
      /rules\.0\.when\.last_user_matches: Invalid regular expression/,
    );
    expect(parseError("rules:\n  - when: { last_user_matches: '/x/g' }\n    refuse: true\n").message).toMatch(
      /g and y flags/,
    );
    expect(parseError("latency_ms: [50, 10]\n").message).toMatch(/latency_ms: min must not exceed max/);
    expect(parseError("rules:\n  - when: { turn: { min: 4, max: 2 } }\n    refuse: true\n").message).toMatch(
      /rules\.0\.when\.turn: min must not exceed max/,
    );
    expect(parseError("default:\n  error: { status: 200 }\n").message).toMatch(/default\.error\.status/);
  });

  it("reports YAML syntax errors with a line", () => {
    const error = parseError("seed: 1\nrules: [\n");
    expect(error.message).toMatch(/^behaviours\.yaml:\d+: invalid YAML/);
  });

  it("accepts /pattern/flags regular expressions", () => {
    const script = parseSimulatorScript(
      "rules:\n  - when: { last_user_matches: '/^step \\d+/i' }\n    comply: true\n",
      "x",
    );
    expect(script.rules[0]?.when.lastUserMatches?.test("STEP 4 please")).toBe(true);
  });
});

describe("simulatorScriptFrom", () => {
  it("builds a script from an object and names the source in errors", () => {
    expect(simulatorScriptFrom({ rules: [{ refuse: true }] }).rules[0]?.response).toEqual({ kind: "refuse" });
    expect(() => simulatorScriptFrom({ seed: "x" }, "inline")).toThrow(/^inline: seed: expected number/);
  });
});

describe("loadSimulatorScript", () => {
  const directories: string[] = [];
  afterAll(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });

  it("reads a file and names it in errors", async () => {
    const directory = await mkdtemp(join(tmpdir(), "turnsafe-sim-"));
    directories.push(directory);
    const good = join(directory, "good.yaml");
    const bad = join(directory, "bad.yaml");
    await writeFile(good, "rules:\n  - refuse: true\n");
    await writeFile(bad, "rules:\n  - refuse: yes please\n");
    expect((await loadSimulatorScript(good)).rules).toHaveLength(1);
    await expect(loadSimulatorScript(bad)).rejects.toThrow(`${bad}: rules.0.refuse`);
    await expect(loadSimulatorScript(join(directory, "missing.yaml"))).rejects.toBeInstanceOf(InputError);
  });
});

describe("defaultSimulatorScript", () => {
  it("is the parsed built-in YAML", () => {
    expect(defaultSimulatorScript()).toEqual(parseSimulatorScript(DEFAULT_SIMULATOR_SCRIPT_YAML, "again"));
    expect(defaultSimulatorScript().rules.map((rule) => rule.name)).toContain("refuse-early-turns");
  });
});
