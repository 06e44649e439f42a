import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export const BIN = path.resolve(import.meta.dirname, "../bin/turnsafe.js");

/** Runs the CLI to completion; resolves with its exit code and output. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    // "close", not "exit": the pipes may still hold output when the process has exited.
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the CLI without waiting (for kill tests). */
export function startCli(args: string[], options: { cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
}
