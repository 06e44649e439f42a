import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

/** One figure, printed for people and as a JSON line for scripts. */
export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** The figure to meet; null for figures shown for context only. */
  target: number | null;
  /** Whether lower values are better (CPU, memory, latency) or higher (throughput). */
  better: "lower" | "higher";
}

/** Prints a figure as a human line (stderr) and one JSON line (stdout). */
export function printFigure(figure: Figure): void {
  const comparator = figure.better === "lower" ? "<=" : ">=";
  const pass =
    figure.target === null
      ? undefined
      : figure.better === "lower"
        ? figure.value <= figure.target
        : figure.value >= figure.target;
  const verdict = pass === undefined ? "INFO" : pass ? "PASS" : "MISS";
  const target = figure.target === null ? "" : ` (target ${comparator} ${figure.target})`;
  process.stderr.write(
    `${verdict}  ${figure.bench} · ${figure.metric}: ${round(figure.value)} ${figure.unit}${target}\n`,
  );
  const { better: _better, ...json } = figure;
  process.stdout.write(`${JSON.stringify({ ...json, value: round(figure.value) })}\n`);
}

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value * 10) / 10 : Math.round(value * 10_000) / 10_000;
}

/** A simulator in its own process, so its CPU is not counted as turnsafe's. */
export async function startSimulatorProcess(
  scriptFile: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = path.resolve(import.meta.dirname, "../bin/turnsafe.js");
  const child = spawn(
    process.execPath,
    [bin, "sim", "serve", "--port", "0", "--script", scriptFile, "--json"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const { url } = JSON.parse(first) as { url: string };
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
