import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli } from "./cli-helpers.ts";

const STACK_LINE = /^\s+at /m;

/** Resolves with the first stdout line of a started CLI (servers print their URL there). */
async function firstLine(child: ChildProcess): Promise<string> {
  let text = "";
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    text += chunk.toString();
    if (text.includes("\n")) break;
  }
  return text.split("\n")[0] ?? "";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("CLI paper cuts", () => {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "turnsafe-cuts-")));
  const store = path.join(dir, "qs", "turnsafe.db");

  beforeAll(async () => {
    const quickstart = await runCli(["quickstart", "--dir", path.join(dir, "qs"), "--quiet", "--json"]);
    expect(quickstart.code, quickstart.stderr).toBe(0);
  });

  it("quickstart --dir naming a file exits 2 with a message naming the path, no stack", async () => {
    const file = path.join(dir, "a-file");
    writeFileSync(file, "not a folder");
    const result = await runCli(["quickstart", "--dir", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--dir: cannot use ${file} as the quickstart folder`);
    expect(result.stderr).toContain("is a file, not a folder");
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it("export into a reader that stopped reading (| head) ends quietly with exit 0", async () => {
    const child = spawn(
      process.execPath,
      [BIN, "export", "quickstart", "--store", store, "--format", "jsonl"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout.destroy(); // the reader is gone before the first row is written
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const [code] = await once(child, "exit");
    expect(stderr).not.toMatch(STACK_LINE);
    expect(stderr).not.toContain("EPIPE");
    expect(code).toBe(0);
  });

  it("export into a reader that is slow to start delivers every row (output queued in the pipe is not dropped at exit)", () => {
    // The reader sleeps until the export has queued more than a pipe holds, then reads it all.
    const stdout = execFileSync(
      "sh",
      [
        "-c",
        '"$0" "$1" export quickstart --store "$2" --format jsonl | (sleep 1.5; cat)',
        process.execPath,
        BIN,
        store,
      ],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    expect(stdout.length).toBeGreaterThan(65_536);
    const rows = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { caseId: string });
    expect(rows).toHaveLength(36);
  });

  it("sim serve says what it served in words when stopped", async () => {
    const child = spawn(process.execPath, [BIN, "sim", "serve", "--port", "0", "--json"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const { url } = JSON.parse(await firstLine(child));
    const response = await fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hello" }] }),
    });
    expect(response.status).toBe(200);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(stderr).toContain("simulator stopped: 1 request, 1 reply");
    expect(stderr).not.toMatch(/[{}]/);
  });

  it("stops when the process that started it dies without passing the signal on (npx -> sh -> node)", async () => {
    // npx and npm run start turnsafe through `sh -c` (with npm_command / npm_lifecycle_event set);
    // npm passes SIGTERM to that shell, which dies without passing it on.
    const shell = spawn(
      "sh",
      ["-c", `"${process.execPath}" "${BIN}" sim serve --port 0 --json; echo after`],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, npm_command: "exec", npm_lifecycle_event: "npx" },
      },
    );
    const { url } = JSON.parse(await firstLine(shell));
    const [pid] = execFileSync("ps", ["-o", "pid=", "--ppid", String(shell.pid)], { encoding: "utf8" })
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(pid).toBeGreaterThan(0);
    try {
      shell.kill("SIGTERM");
      await once(shell, "exit");
      const deadline = Date.now() + 10_000;
      while (alive(pid as number) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid as number)).toBe(false);
      await expect(fetch(`${url}/models`)).rejects.toThrow();
    } finally {
      if (alive(pid as number)) process.kill(pid as number, "SIGKILL");
    }
  });

  it("started another way (nohup node bin/turnsafe.js ... &), it outlives its parent as before", async () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("npm_")) env[key] = value;
    const shell = spawn(
      "sh",
      ["-c", `"${process.execPath}" "${BIN}" sim serve --port 0 --json; echo after`],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env,
      },
    );
    const { url } = JSON.parse(await firstLine(shell));
    const [pid] = execFileSync("ps", ["-o", "pid=", "--ppid", String(shell.pid)], { encoding: "utf8" })
      .trim()
      .split(/\s+/)
      .map(Number);
    try {
      shell.kill("SIGTERM");
      await once(shell, "exit");
      await new Promise((r) => setTimeout(r, 1500));
      expect(alive(pid as number)).toBe(true);
      expect((await fetch(`${url}/models`)).status).toBe(200);
    } finally {
      if (alive(pid as number)) process.kill(pid as number, "SIGTERM");
    }
  });

  it("safemt si reads the SafeMT scorer's own <k>/label/<model>.json folders", async () => {
    const base = path.join(dir, "scorer");
    const a = ["safe", "safe", "unsafe", "safe", "safe"];
    const b = ["safe", "unsafe", "unsafe", "unsafe", "unsafe"];
    for (const [index, length] of [1, 2, 4, 6, 8].entries()) {
      mkdirSync(path.join(base, String(length), "label"), { recursive: true });
      const labels = [
        { id: "mm_a_1", safety_label: a[index] },
        { id: "mm_b_2", safety_label: b[index] },
      ];
      writeFileSync(path.join(base, String(length), "label", "Qwen2.5-VL-7B.json"), JSON.stringify(labels));
      writeFileSync(path.join(base, String(length), "label", "other.json"), "[]");
    }
    const result = await runCli(["safemt", "si", base, "--model", "Qwen2.5-VL-7B", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ target: "Qwen2.5-VL-7B", source: { format: "published-tree" } });
    expect(summary.si.toFixed(4)).toBe("0.6369");
  });

  it("run, runs, report and export share one store: the current directory's, or TURNSAFE_STORE", async () => {
    const work = path.join(dir, "work");
    const configDir = path.join(work, "configs");
    mkdirSync(configDir, { recursive: true });
    writeFileSync(
      path.join(configDir, "dialogues.jsonl"),
      `${JSON.stringify({ id: "one", messages: [{ role: "user", content: "hello" }] })}\n`,
    );
    writeFileSync(
      path.join(configDir, "suite.yaml"),
      "name: beside\ndata: dialogues.jsonl\ntarget: simulator\n",
    );
    const env = { TURNSAFE_STORE: "" };
    const run = await runCli(["run", "configs/suite.yaml", "--json", "--quiet"], { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).report.html).toBe(
      path.join(work, ".turnsafe", "reports", `${JSON.parse(run.stdout).runId}.html`),
    );

    const runs = await runCli(["runs"], { cwd: work, env });
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toContain(JSON.parse(run.stdout).runId);
    expect(runs.stderr).toContain(`store: ${path.join(work, ".turnsafe", "turnsafe.db")}`);

    const elsewhere = path.join(dir, "elsewhere.db");
    const moved = { TURNSAFE_STORE: elsewhere };
    expect((await runCli(["run", "configs/suite.yaml", "--quiet"], { cwd: work, env: moved })).code).toBe(0);
    const listed = JSON.parse((await runCli(["runs", "--json"], { cwd: dir, env: moved })).stdout);
    expect(listed.store).toBe(elsewhere);
    expect(listed.runs.map((entry: { name: string }) => entry.name)).toEqual(["beside"]);
    const exported = await runCli(["export", "beside", "--format", "jsonl"], { cwd: dir, env: moved });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.trim().split("\n")).toHaveLength(1);
  });
});
