import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AttackSettings } from "../benchmarks/redteam/attack-session.ts";
import { bundledTasks } from "../benchmarks/redteam/bundled-tasks.ts";
import type { Method } from "../benchmarks/redteam/planners.ts";
import { DEFAULT_ATTACK_SETTINGS, DEFAULT_RUN_SETTINGS } from "../benchmarks/redteam/redteam-defaults.ts";
import type { RedteamRunPlan } from "../benchmarks/redteam/redteam-run.ts";
import type { BudgetLimits } from "../benchmarks/redteam/search-budget.ts";
import { REDTEAM_SIMULATOR_SCRIPT_YAML } from "../simulator/redteam-script.ts";
import { parseSimulatorScript } from "../simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../simulator/simulator-server.ts";
import { simulatorTarget } from "../targets/build-target.ts";

/** A red-team plan against the red-team simulator script (target, attacker and judge on it). */
export interface RedteamFixture {
  simulator: RunningSimulator;
  dir: string;
  plan(options: {
    methods: Method[];
    seed?: number;
    samples?: number;
    tasks?: number;
    budget?: BudgetLimits;
    settings?: Partial<AttackSettings>;
    name?: string;
    yaml?: string;
  }): Promise<RedteamRunPlan>;
}

export async function redteamFixture(yaml = REDTEAM_SIMULATOR_SCRIPT_YAML): Promise<RedteamFixture> {
  const simulator = await startSimulator({ script: parseSimulatorScript(yaml, "redteam script") });
  const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-redteam-"));
  const tasks = await bundledTasks(path.join(dir, "images"));
  return {
    simulator,
    dir,
    plan: async (options) => ({
      ...DEFAULT_RUN_SETTINGS,
      name: options.name ?? "redteam",
      tasksSource: "bundled",
      tasks: tasks.slice(0, options.tasks ?? 1),
      methods: options.methods,
      samples: options.samples ?? 1,
      targets: [simulatorTarget(simulator, yaml, "redteam", "turnsafe-sim")],
      attacker: simulatorTarget(simulator, yaml, "redteam", "turnsafe-sim-attacker"),
      judge: simulatorTarget(simulator, yaml, "redteam", "turnsafe-sim-judge"),
      settings: { ...DEFAULT_ATTACK_SETTINGS, seed: options.seed ?? 0, ...options.settings },
      budget: options.budget ?? { calls: 200 },
      runBudget: {},
      imageDir: path.join(dir, "images"),
      storePath: path.join(dir, "store.sqlite"),
      reportDir: path.join(dir, "reports"),
    }),
  };
}
