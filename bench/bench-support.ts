import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { LanguageModelV3, LanguageModelV3Prompt } from "@ai-sdk/provider";
import { generateText, type LanguageModel, type ModelMessage } from "ai";
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

/** A text-only dialogue as the AI SDK's user-facing messages (what a generateText script sends). */
export function toModelMessages(dialogue: Dialogue): ModelMessage[] {
  return dialogue.messages.map((message) => ({
    role: message.role,
    content: message.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
  })) as ModelMessage[];
}

/** A text-only dialogue as the prompt a provider's model takes (what generateText would hand it). */
export function toProviderPrompt(dialogue: Dialogue): LanguageModelV3Prompt {
  return dialogue.messages.map((message) => {
    const text = message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    return message.role === "system"
      ? { role: "system", content: text }
      : { role: message.role, content: [{ type: "text", text }] };
  });
}

/** Runs `call` over `items`, `concurrency` at a time. */
async function pool<T>(items: readonly T[], concurrency: number, call: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await call(items[next++] as T);
    }),
  );
}

/**
 * Baseline: each prompt sent with the provider's model called directly, the least work any AI SDK
 * client can do per call (and how turnsafe's provider targets call it). Throws on an empty answer
 * so that a broken baseline cannot pass for a fast one.
 */
export function callProviderModel(
  model: LanguageModelV3,
  prompts: readonly LanguageModelV3Prompt[],
  concurrency: number,
) {
  return pool(prompts, concurrency, async (prompt) => {
    const result = await model.doGenerate({ prompt });
    if (!result.content.some((part) => part.type === "text" && part.text !== ""))
      throw new Error("baseline call got no text");
  });
}

/** Baseline for context: the same calls made the usual way, one generateText each. */
export function callGenerateText(model: LanguageModel, list: readonly ModelMessage[][], concurrency: number) {
  return pool(list, concurrency, async (messages) => {
    const result = await generateText({ model, messages, maxRetries: 0 });
    if (result.text === "") throw new Error("baseline call got no text");
  });
}

/** Process CPU time (user + system, all threads) that `work` takes, in microseconds. */
export async function cpuOf(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** The middle value (upper middle for an even count). */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}
