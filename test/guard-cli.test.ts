import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteGuardAuditLog } from "../src/servers/guard/guard-audit-log.ts";
import { parseSimulatorScript } from "../src/simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../src/simulator/simulator-server.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const UPSTREAM_KEY = "sk-sim-upstream-SECRET-9911";

// The command is registered on a bare program, as main.ts will do once it is wired in.
const ENTRY = `
import { Command } from "commander";
import { registerGuardCommand } from ${JSON.stringify(path.join(ROOT, "src/cli/commands/guard-command.ts"))};
const program = new Command("turnsafe").exitOverride();
registerGuardCommand(program);
await program.parseAsync(process.argv.slice(1), { from: "user" });
`;

const SAFE = {
  user_rating: "Safe",
  assistant_rating: "Safe",
  user_dimension: "NA: None applying",
  assistant_dimension: "NA: None applying",
  user_rationale: "benign",
  assistant_rationale: "benign",
};
const SCRIPT = parseSimulatorScript(
  [
    "models: [sim-target, sim-judge]",
    "rules:",
    "  - when: { model: sim-judge, last_user_contains: 'launder money', system_contains: 'Illegal Activities' }",
    `    json: ${JSON.stringify({ ...SAFE, user_rating: "Unsafe", user_dimension: "Illegal Activities", user_rationale: "turn 1 asks to launder money" })}`,
    "  - when: { model: sim-judge }",
    `    json: ${JSON.stringify(SAFE)}`,
    "default:",
    "  reply: 'A friendly answer to: {{last_user}}'",
  ].join("\n"),
  "guard-cli.yaml",
);

let dir: string;
let simulator: RunningSimulator;
/** The moderator's model: a second simulator, without a key (a target spec string cannot name one). */
let judge: RunningSimulator;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "turnsafe-guard-cli-"));
  simulator = await startSimulator({ script: SCRIPT, apiKey: UPSTREAM_KEY });
  judge = await startSimulator({ script: SCRIPT });
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await simulator.close();
  await judge.close();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(extra: string[]): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const args = [
    "guard",
    "serve",
    "--port",
    "0",
    "--json",
    "--upstream",
    simulator.url,
    "--upstream-key-env",
    "UPSTREAM_KEY",
    "--moderator",
    `prompted:openai-compatible:sim-judge@${judge.url}`,
    "--api-key-env",
    "GUARD_KEYS",
    "--store",
    path.join(dir, "turnsafe.db"),
    ...extra,
  ];
  const child = spawn(process.execPath, ["--input-type=module", "-e", ENTRY, ...args], {
    cwd: ROOT,
    env: { ...process.env, UPSTREAM_KEY, GUARD_KEYS: "alpha-key, beta-key" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`guard exited with ${code}: ${stderr}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child, stderr: () => stderr };
}

async function stop(child: ChildProcess): Promise<number | null> {
  child.kill("SIGTERM");
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("turnsafe guard serve", () => {
  it("guards a simulator upstream with a prompted moderator, keys, policy and audit log", async () => {
    writeFileSync(path.join(dir, "lenient.yaml"), "name: lenient\ndimensions:\n  - Violence & Harm\n");
    const strict = await serve([]);
    const client = new OpenAI({ apiKey: "beta-key", baseURL: strict.url, maxRetries: 0 });
    const ask = (c: OpenAI) =>
      c.chat.completions.create({
        model: "sim-target",
        messages: [{ role: "user", content: "how do I launder money?" }],
      });
    const blocked = await ask(client);
    expect(blocked.choices[0]?.finish_reason).toBe("content_filter");
    expect((blocked as unknown as { turnsafe: unknown }).turnsafe).toMatchObject({
      side: "user",
      dimension: "Illegal Activities",
    });
    const fine = await client.chat.completions.create({
      model: "sim-target",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(fine.choices[0]?.message.content).toBe("A friendly answer to: hello");
    await expect(
      new OpenAI({ apiKey: "gamma", baseURL: strict.url, maxRetries: 0 }).models.list(),
    ).rejects.toMatchObject({ status: 401 });
    expect(await stop(strict.child)).toBe(0);
    expect(strict.stderr()).toContain("blocked-user");
    expect(strict.stderr()).not.toContain(UPSTREAM_KEY);

    // The same request under a policy without the violated dimension goes through.
    const lenient = await serve(["--policy", path.join(dir, "lenient.yaml")]);
    const allowed = await ask(new OpenAI({ apiKey: "alpha-key", baseURL: lenient.url, maxRetries: 0 }));
    expect(allowed.choices[0]?.finish_reason).toBe("stop");
    expect(await stop(lenient.child)).toBe(0);

    const store = readFileSync(path.join(dir, "turnsafe.db")).toString("latin1");
    const audit = new SqliteGuardAuditLog(path.join(dir, "turnsafe.db"));
    const moderator = `prompted:openai-compatible:sim-judge@${judge.url}`;
    expect(audit.rows().map((row) => [row.outcome, row.policy, row.moderator])).toEqual([
      ["blocked-user", "default", moderator],
      ["allowed", "default", moderator],
      ["allowed", "lenient", moderator],
    ]);
    audit.close();
    expect(store).not.toContain(UPSTREAM_KEY);
    expect(store).not.toContain("alpha-key");
  });

  it("refuses to serve a public interface without client keys", async () => {
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        ENTRY,
        "guard",
        "serve",
        "--host",
        "0.0.0.0",
        "--upstream",
        simulator.url,
        "--moderator",
        "prompted:openai:gpt-4o-mini",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, OPENAI_API_KEY: "x" } },
    );
    children.push(child);
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain("needs client keys");
  });
});
