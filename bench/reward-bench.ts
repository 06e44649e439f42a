// Reward server throughput, latency and memory (`npm run bench reward`). The server runs in its
// own process with a simulated judge (a fixed 20 ms delay, no model, distinct content per
// rollout so the cache never answers); this process keeps 64 groups of 8 rollouts in flight over
// HTTP (each group's 8 members sent at once, a new group started as one finishes) until
// BENCH_REWARD_ROLLOUTS (default 100,000) rollouts are rewarded. Figures: rewards/s, p50/p99
// latency, the server's CPU per rollout (its harness overhead: HTTP, parsing, hashing, barrier,
// formula; the judge's delay costs no CPU), and its heap after a full GC at 20% and at 100% of
// the rollouts (bounded caches: no growth).
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { createInterface } from "node:readline";
import type { TurnScoreJudge } from "../src/judges/turn-score-judge.ts";
import { startRewardServer } from "../src/servers/reward/reward-server.ts";
import { RewardService } from "../src/servers/reward/reward-service.ts";
import { printFigure } from "./bench-support.ts";

const GROUPS = 64;
const GROUP_SIZE = 8;
const JUDGE_MS = 20;
const ROLLOUTS = Number(process.env.BENCH_REWARD_ROLLOUTS ?? 100_000);

/** A judge that waits JUDGE_MS and scores each assistant turn from its position. */
const simulatedJudge: TurnScoreJudge = {
  name: "simulated",
  async score(messages) {
    await new Promise((resolve) => setTimeout(resolve, JUDGE_MS));
    const turns = messages.filter((message) => message.role === "assistant").length;
    const safety = Array.from({ length: turns }, (_, turn) => ((messages.length + turn) % 5) / 4);
    return { status: "ok", scores: { help: safety.map((s) => 1 - s), safety }, error: null, raw: null };
  },
};

async function serve(): Promise<void> {
  const service = new RewardService({
    judge: simulatedJudge,
    caller: { call: () => Promise.reject(new Error("unused")) },
  });
  const server = await startRewardServer({ service, port: 0 });
  const cpuBefore = process.cpuUsage();
  process.on("message", (message: { kind: string }) => {
    if (message.kind === "heap") {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({
        kind: "heap",
        heapUsed: process.memoryUsage().heapUsed,
        rss: process.memoryUsage().rss,
      });
    } else if (message.kind === "stop") {
      const cpu = process.cpuUsage(cpuBefore);
      process.send?.({ kind: "stopped", cpuMicroseconds: cpu.user + cpu.system }, () => {
        void server.close().then(() => process.exit(0));
      });
    }
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
}

function startServerProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, "--expose-gc", import.meta.filename, "--serve"],
    {
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    lines.once("line", (line) => resolve({ url: (JSON.parse(line) as { url: string }).url, child }));
    child.once("exit", (code) => reject(new Error(`reward server exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, kind: string, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: { kind: string } & T) => {
      if (message.kind === answer) {
        child.off("message", listener);
        resolve(message);
      }
    };
    child.on("message", listener);
    child.send({ kind });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: GROUPS * GROUP_SIZE });

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/v1/rewards`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => (response.statusCode === 200 ? resolve(text) : reject(new Error(text))));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

function rolloutBody(group: number, member: number): string {
  const messages = [];
  for (let turn = 1; turn <= 4; turn++) {
    messages.push({
      role: "user",
      content: `Group ${group}, turn ${turn}: a question about the picture and the plan.`,
    });
    messages.push({
      role: "assistant",
      content: `Rollout ${member} answers turn ${turn} with a few sentences of text.`,
    });
  }
  return JSON.stringify({ group: `g${group}`, group_size: GROUP_SIZE, messages });
}

async function main(): Promise<void> {
  const { url, child } = await startServerProcess();
  const latencies: number[] = [];
  let nextGroup = 0;
  let done = 0;
  let heapEarly: { heapUsed: number; rss: number } | undefined;
  const started = performance.now();
  const worker = async () => {
    while (nextGroup * GROUP_SIZE < ROLLOUTS) {
      const group = nextGroup++;
      const sent = performance.now();
      const replies = await Promise.all(
        Array.from({ length: GROUP_SIZE }, (_, member) =>
          post(url, rolloutBody(group, member)).then((text) => {
            latencies.push(performance.now() - sent);
            return text;
          }),
        ),
      );
      if (replies.some((reply) => reply.includes('"judge_error":1')))
        throw new Error("judge error in the bench");
      done += GROUP_SIZE;
      if (heapEarly === undefined && done >= ROLLOUTS * 0.2) {
        heapEarly = { heapUsed: 0, rss: 0 };
        heapEarly = await ask(child, "heap", "heap");
      }
    }
  };
  await Promise.all(Array.from({ length: GROUPS }, worker));
  const seconds = (performance.now() - started) / 1000;
  const heapLate = await ask<{ heapUsed: number; rss: number }>(child, "heap", "heap");
  const { cpuMicroseconds } = await ask<{ cpuMicroseconds: number }>(child, "stop", "stopped");
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  process.stderr.write(
    `reward bench: ${done} rollouts, ${GROUPS} groups of ${GROUP_SIZE} in flight, judge ${JUDGE_MS} ms\n`,
  );
  printFigure({
    bench: "reward",
    metric: "rewards_per_s",
    value: done / seconds,
    unit: "/s",
    target: null,
    better: "higher",
  });
  printFigure({
    bench: "reward",
    metric: "latency_p50",
    value: at(0.5),
    unit: "ms",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "reward",
    metric: "latency_p99",
    value: at(0.99),
    unit: "ms",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "reward",
    metric: "server_cpu_per_rollout",
    value: cpuMicroseconds / done / 1000,
    unit: "ms",
    target: 1,
    better: "lower",
  });
  const early = heapEarly?.heapUsed ?? 0;
  printFigure({
    bench: "reward",
    metric: "heap_at_20pct",
    value: early / 2 ** 20,
    unit: "MB",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "reward",
    metric: "heap_at_100pct",
    value: heapLate.heapUsed / 2 ** 20,
    unit: "MB",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "reward",
    metric: "heap_growth_20_to_100pct",
    value: (heapLate.heapUsed - early) / 2 ** 20,
    unit: "MB",
    target: 5,
    better: "lower",
  });
}

if (process.argv.includes("--serve")) await serve();
else await main();
