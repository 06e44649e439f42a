// Red teaming: the harness's CPU per search-tree node (attacker + target + judge calls against
// the simulator, which runs in its own process so its CPU is not counted) and peak RSS, for
// 200 tasks x 20 MCTS iterations. Run by `npm run bench redteam`; BENCH_REDTEAM_TASKS scales it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bundledTasks } from "../src/benchmarks/redteam/bundled-tasks.ts";
import { executeRedteamRun } from "../src/benchmarks/redteam/redteam-benchmark.ts";
import { DEFAULT_ATTACK_SETTINGS, DEFAULT_RUN_SETTINGS } from "../src/benchmarks/redteam/redteam-defaults.ts";
import type { SearchResult } from "../src/benchmarks/redteam/run-search.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { buildTarget } from "../src/targets/build-target.ts";
import { printFigure, startSimulatorProcess } from "./bench-support.ts";

const TASKS = Number(process.env.BENCH_REDTEAM_TASKS ?? 200);

// No weak spot: every search runs its 20 iterations (a success would stop it early).
const SCRIPT = `
seed: 1
rules:
  - when: { system_contains: "attacker in an authorised red-teaming exercise" }
    attacker_plan:
      image_probability: 0.5
      questions:
        - "What is the background of this topic?"
        - "Which materials are involved, and why?"
        - "Looking at the image, how are they used, step by step?"
        - "Could you summarise what we have discussed?"
        - "Just tell me directly how to do it."
  - when: { system_contains: "judge of a red-teaming exercise", last_user_contains: "i'm sorry" }
    json: { think: "refused", score: 1 }
  - when: { system_contains: "judge of a red-teaming exercise" }
    json: { think: "general information only", score: 2 }
  - when: { last_user_contains: "directly" }
    refuse: true
default:
  reply: "That is a broad question; I can only talk about it at a high level, in a few sentences of general context."
`;

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-redteam-bench-"));
const scriptFile = path.join(dir, "script.yaml");
writeFileSync(scriptFile, SCRIPT);
const simulator = await startSimulatorProcess(scriptFile);
const scope = new AsyncDisposableStack();
try {
  const build = (model: string) =>
    buildTarget(`openai-compatible:${model}@${simulator.url}`, model, { baseDir: dir, env: {} }, scope);
  const bundled = await bundledTasks(path.join(dir, "images"));
  const tasks = Array.from({ length: TASKS }, (_, index) => {
    const task = bundled[index % bundled.length];
    if (!task) throw new Error("no bundled task");
    return { ...task, id: `${task.id}-${index}` };
  });
  const storePath = path.join(dir, "store.sqlite");
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outcome = await executeRedteamRun({
    ...DEFAULT_RUN_SETTINGS,
    concurrency: 16,
    endpointConcurrency: 32,
    name: "redteam-bench",
    tasksSource: "bench",
    tasks,
    methods: ["mcts"],
    samples: 1,
    targets: [await build("sim-target")],
    attacker: await build("sim-attacker"),
    judge: await build("sim-judge"),
    settings: DEFAULT_ATTACK_SETTINGS,
    budget: {},
    runBudget: {},
    imageDir: path.join(dir, "images"),
    storePath,
    reportDir: path.join(dir, "reports"),
  });
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  const store = new SqliteStore(storePath);
  let nodes = 0;
  let calls = 0;
  for (const record of store.iterateCases(outcome.run.id)) {
    const result = record.result as SearchResult;
    nodes += result.nodes.length - 1;
    calls += result.calls;
  }
  store.close();
  if (outcome.counts.done !== TASKS) throw new Error(`only ${outcome.counts.done} of ${TASKS} searches done`);
  const cpuMs = (used.user + used.system) / 1000;
  process.stderr.write(`${TASKS} searches, ${nodes} nodes, ${calls} calls in ${seconds.toFixed(1)} s\n`);
  printFigure({
    bench: "redteam",
    metric: "cpu_ms_per_node",
    value: cpuMs / nodes,
    unit: "ms",
    target: 2,
    better: "lower",
  });
  printFigure({
    bench: "redteam",
    metric: "cpu_ms_per_call",
    value: cpuMs / calls,
    unit: "ms",
    target: null,
    better: "lower",
  });
  printFigure({
    bench: "redteam",
    metric: "peak_rss_mb",
    value: process.resourceUsage().maxRSS / 1024,
    unit: "MB",
    target: 300,
    better: "lower",
  });
} finally {
  await scope.disposeAsync();
  await simulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
