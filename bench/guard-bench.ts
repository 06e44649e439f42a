// Guard latency overhead: 8-turn text dialogues sent open-loop at 200 requests/s for ~10 s each
// straight to the upstream (the simulator with a fixed latency, in its own process) and
// through the guard (in its own process too, with the moderator below, the default policy and
// the audit log on). Latency is measured from each request's scheduled send time, so a slow
// server cannot hide its queueing (no coordinated omission). Run by `npm run bench`.
//
// Moderator: the embedded local guard (createLocalGuard: offline, no model calls; the dialogues
// carry no images, so OCR and nudity detection stay unloaded).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { createLocalGuard } from "../src/moderators/local-guard/local-guard.ts";
import { DEFAULT_POLICY } from "../src/moderators/policy.ts";
import { SqliteGuardAuditLog } from "../src/servers/guard/guard-audit-log.ts";
import { startGuardServer } from "../src/servers/guard/guard-server.ts";
import { createHttpUpstream } from "../src/servers/guard/guard-upstream.ts";
import { printFigure, startSimulatorProcess } from "./bench-support.ts";

const RATE = 200;
const SECONDS = Number(process.env.BENCH_GUARD_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const LATENCY_MS = 20;

/** The guard's own process: prints its URL as one JSON line, serves until SIGTERM. */
async function serveGuard(upstreamUrl: string, auditFile: string): Promise<void> {
  const moderator = createLocalGuard();
  const guard = await startGuardServer({
    upstream: createHttpUpstream({ baseURL: upstreamUrl }),
    moderator,
    policy: DEFAULT_POLICY,
    audit: new SqliteGuardAuditLog(auditFile),
  });
  process.stdout.write(`${JSON.stringify({ url: guard.url, moderator: moderator.name })}\n`);
  const cpuBefore = process.cpuUsage();
  await new Promise<void>((resolve) => process.once("SIGTERM", () => resolve()));
  const cpu = process.cpuUsage(cpuBefore);
  await guard.close();
  await moderator.close();
  process.stdout.write(
    `${JSON.stringify({ cpuMicroseconds: cpu.user + cpu.system, requests: guard.metrics.requests("allowed") })}\n`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-guard-bench-"));
  const script = path.join(dir, "script.yaml");
  writeFileSync(
    script,
    `seed: 1\nlatency_ms: ${LATENCY_MS}\nmodels: [bench]\ndefault:\n  reply: "A short scripted answer for turn {{turn}}."\n`,
  );
  const simulator = await startSimulatorProcess(script);
  const guard = await startGuardProcess(simulator.url, path.join(dir, "audit.db"));
  process.stderr.write(
    `guard bench: moderator ${guard.moderator}, upstream latency ${LATENCY_MS} ms, ${RATE} req/s for ${SECONDS} s each\n`,
  );
  let stopped = false;
  try {
    await openLoop(simulator.url, WARMUP_SECONDS);
    await openLoop(guard.url, WARMUP_SECONDS);
    // Alternating one-second slices, so both paths see the same background load on the machine.
    const direct: number[] = [];
    const guarded: number[] = [];
    for (let slice = 0; slice < SECONDS; slice++) {
      direct.push(...(await openLoop(simulator.url, 1)));
      guarded.push(...(await openLoop(guard.url, 1)));
    }
    const figure = (metric: string, value: number, target: number | null) =>
      printFigure({ bench: "guard", metric, value, unit: "ms", target, better: "lower" });
    figure("direct_p50", percentile(direct, 0.5), null);
    figure("direct_p99", percentile(direct, 0.99), null);
    figure("guarded_p50", percentile(guarded, 0.5), null);
    figure("guarded_p99", percentile(guarded, 0.99), null);
    figure("overhead_p50", percentile(guarded, 0.5) - percentile(direct, 0.5), 2);
    figure("overhead_p99", percentile(guarded, 0.99) - percentile(direct, 0.99), 10);
    const usage = await guard.stop();
    stopped = true;
    // CPU the guard process spent per request (its HTTP server, upstream client, moderator and
    // audit log): what the guard costs whatever else the machine is doing.
    printFigure({
      bench: "guard",
      metric: "guard_cpu_per_request",
      value: usage.cpuMicroseconds / Math.max(1, usage.requests),
      unit: "us",
      target: null,
      better: "lower",
    });
  } finally {
    if (!stopped) await guard.stop().catch(() => undefined);
    await simulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startGuardProcess(
  upstreamUrl: string,
  auditFile: string,
): Promise<{
  url: string;
  moderator: string;
  stop(): Promise<{ cpuMicroseconds: number; requests: number }>;
}> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, import.meta.filename, "--serve-guard", upstreamUrl, auditFile],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", (code) => reject(new Error(`guard exited with ${code}`)));
    });
  const { url, moderator } = JSON.parse(await next()) as { url: string; moderator: string };
  return {
    url,
    moderator,
    async stop() {
      const report = next();
      child.kill("SIGTERM");
      return JSON.parse(await report) as { cpuMicroseconds: number; requests: number };
    },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** Sends RATE requests/s for `seconds`; returns each request's latency from its scheduled time. */
async function openLoop(baseUrl: string, seconds: number): Promise<number[]> {
  const total = Math.round(RATE * seconds);
  const interval = 1000 / RATE;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now() + 20;
  for (let index = 0; index < total; index++) {
    const due = start + index * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      post(`${baseUrl}/chat/completions`, requestBody(index)).then(() => {
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(pending);
  return latencies;
}

function post(url: string, body: string, attempt = 0): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          if (response.statusCode !== 200 || text.includes('"content_filter"'))
            reject(new Error(`unexpected answer ${response.statusCode}: ${text.slice(0, 200)}`));
          else resolve();
        });
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed while idle: the request never arrived; send it
      // again (the latency still counts from the scheduled time).
      if (attempt === 0 && request.reusedSocket && error.code === "ECONNRESET")
        post(url, body, 1).then(resolve, reject);
      else reject(error);
    });
    request.end(body);
  });
}

/** An 8-turn text dialogue (8 user turns, 7 answers), different for every request. */
function requestBody(index: number): string {
  const messages: { role: string; content: string }[] = [];
  for (let turn = 1; turn <= 8; turn++) {
    messages.push({
      role: "user",
      content: `Request ${index}, turn ${turn}: tell me more about topic ${turn} of the garden story so far, please.`,
    });
    if (turn < 8)
      messages.push({
        role: "assistant",
        content: `Here is part ${turn} of the answer, with a few sentences of detail about the garden and its plants.`,
      });
  }
  return JSON.stringify({ model: "bench", messages });
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

if (process.argv[2] === "--serve-guard")
  await serveGuard(process.argv[3] ?? "", process.argv[4] ?? ":memory:");
else await main();
