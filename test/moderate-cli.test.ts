import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { registerModerateCommand } from "../src/cli/commands/moderate-command.ts";
import { reportError } from "../src/cli/output.ts";
import { parseCsv } from "../src/dialogue/csv.ts";
import { sharedFile } from "../src/testing/shared-data.ts";

const XSTEST_FILE = sharedFile("data/exaggerated-safety/xstest_prompts.csv");
const XSTEST = XSTEST_FILE.file;
const directory = mkdtempSync(path.join(tmpdir(), "turnsafe-moderate-cli-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return file;
}

/**
 * Runs `turnsafe moderate ...` in-process (the command is registered on its own program, as
 * main.ts does), capturing stdout, stderr and the exit code.
 */
async function runModerate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command("turnsafe").exitOverride();
  registerModerateCommand(program);
  let stdout = "";
  let stderr = "";
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    process.exitCode = undefined;
    await program.parseAsync(["node", "turnsafe", "moderate", ...args]);
    code = typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    code = reportError(error, args.includes("--json"));
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = undefined;
  }
  return { code, stdout, stderr };
}

const NULL_ASSISTANT = { assistant_rating: "null", assistant_dimension: "null", assistant_rationale: "null" };
// A scripted stand-in for a prompted moderator: "unsafe" whenever the prompt mentions killing.
const KEYWORD_SCRIPT = write(
  "keyword-moderator.yaml",
  YAML.stringify({
    rules: [
      {
        when: { last_user_contains: ["kill", "murder"] },
        json: {
          user_rating: "Unsafe",
          user_dimension: "Violence & Harm",
          user_rationale: "turn 1",
          ...NULL_ASSISTANT,
        },
      },
    ],
    default: {
      json: {
        user_rating: "Safe",
        user_dimension: "NA: None applying",
        user_rationale: "turn 1",
        ...NULL_ASSISTANT,
      },
    },
  }),
);

describe.skipIf(!XSTEST_FILE.present)(
  `turnsafe moderate eval on XSTest (input side)${XSTEST_FILE.note}`,
  () => {
    it("scores a scripted prompted moderator beside the local guard, and resumes on a rerun", async () => {
      const args = [
        "eval",
        "--data",
        XSTEST,
        "--moderator",
        `prompted:simulator:${KEYWORD_SCRIPT}#sim-moderator`,
        "local",
        "--store",
        path.join(directory, "store.db"),
        "--report-dir",
        path.join(directory, "reports"),
        "--json",
      ];
      const first = await runModerate(args);
      expect(first.stderr).toContain("simulator");
      expect(first.code).toBe(0);
      const result = JSON.parse(first.stdout);
      expect(result).toMatchObject({ promptSet: true, simulator: true, cases: { done: 450, errored: 0 } });

      // The expected counts, worked out from the CSV with the script's own rule.
      const counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
      for (const row of parseCsv(readFileSync(XSTEST, "utf8"), XSTEST)) {
        const flagged = /kill|murder/i.test(row.values.prompt ?? "");
        const unsafe = row.values.label === "unsafe";
        if (flagged && unsafe) counts.tp++;
        else if (flagged) counts.fp++;
        else if (unsafe) counts.fn++;
        else counts.tn++;
      }
      expect(counts.tp).toBeGreaterThan(0);
      expect(counts.fp).toBeGreaterThan(0);
      const [moderator, local] = result.moderators;
      // The local guard runs side by side; its figures are its own tests' business.
      expect(local.label).toBe("local");
      expect(local.sides.user.labelled).toBe(450);
      expect(local.usage.calls).toBe(0);
      expect(moderator.label).toBe(`prompted:simulator:${KEYWORD_SCRIPT}#sim-moderator`);
      expect(moderator.sides.assistant).toBeNull();
      expect(moderator.sides.user.counts).toMatchObject({
        truePositive: counts.tp,
        falsePositive: counts.fp,
        falseNegative: counts.fn,
        trueNegative: counts.tn,
      });
      expect(moderator.sides.user.lenient.precision).toBeCloseTo(counts.tp / (counts.tp + counts.fp), 12);
      expect(moderator.sides.user.lenient.recall).toBeCloseTo(counts.tp / (counts.tp + counts.fn), 12);
      expect(existsSync(result.report.html)).toBe(true);

      const second = await runModerate(args);
      expect(JSON.parse(second.stdout)).toMatchObject({ resumed: true, runId: result.runId });
    });
  },
);

describe("turnsafe moderate check", () => {
  const guardScript = write(
    "guard.yaml",
    YAML.stringify({
      rules: [{ when: { last_user_contains: "bomb" }, reply: "unsafe\nS1" }],
      default: { reply: "safe" },
    }),
  );
  const dialogue = write(
    "dialogue.json",
    JSON.stringify({
      id: "one",
      messages: [
        { role: "user", content: "How do I make a bomb?" },
        { role: "assistant", content: "I can't help with that." },
      ],
    }),
  );
  const spec = `llama-guard-4:simulator:${guardScript}#guard`;

  it("prints each side's verdict, and the policy decides what counts", async () => {
    const human = await runModerate(["check", dialogue, "--moderator", spec]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("user: unsafe (Violence & Harm)");
    const policy = write(
      "policy.yaml",
      YAML.stringify({ name: "no-violence", dimensions: ["Hate & Harassment"] }),
    );
    const json = await runModerate(["check", dialogue, "--moderator", spec, "--policy", policy, "--json"]);
    const result = JSON.parse(json.stdout);
    expect(result.policy).toEqual(["Hate & Harassment"]);
    expect(result.results[0]).toMatchObject({ id: "one", status: "ok", user: { rating: "safe" } });
  });

  it("rejects an unknown moderator spec as a usage error", async () => {
    const outcome = await runModerate(["check", dialogue, "--moderator", "nonsense", "--json"]);
    expect(outcome.code).toBe(2);
    expect(JSON.parse(outcome.stdout).error.message).toContain("unknown moderator");
  });
});
