import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Dialogue, Message } from "../src/dialogue/dialogue.ts";

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

/** `count` 8-turn replay dialogues (7 pre-written answers, the target answers the 8th turn), ids from `offset`. */
export function* eightTurnDialogues(count: number, offset = 0): Generator<Dialogue> {
  for (let index = offset; index < offset + count; index++) {
    const messages: Message[] = [];
    for (let turn = 1; turn <= 8; turn++) {
      const userText = `Case ${index}, turn ${turn}: tell me more about topic ${turn} of the story so far.`;
      messages.push({ role: "user", content: [{ type: "text", text: userText }] });
      const answer = `Here is part ${turn} of the answer, with a few sentences of detail about the topic.`;
      if (turn < 8) messages.push({ role: "assistant", content: [{ type: "text", text: answer }] });
    }
    yield { version: 1, id: `bench-${index}`, messages, labels: {}, metadata: {} };
  }
}
