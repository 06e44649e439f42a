import path from "node:path";
import type { Command } from "commander";
import { BUNDLED_TASKS } from "../../benchmarks/redteam/bundled-tasks.ts";
import { writeMmdsExport } from "../../benchmarks/redteam/mmds-export.ts";
import { METHODS } from "../../benchmarks/redteam/planners.ts";
import { executeRedteamRun, redteamBenchmark } from "../../benchmarks/redteam/redteam-benchmark.ts";
import { InputError } from "../../errors.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { registerBenchmarkReport } from "./benchmark-report-command.ts";
import { presentRun } from "./present-run.ts";
import { planRedteamRun, type RedteamRunFlags } from "./redteam-plan.ts";
import { positiveInteger } from "./run-command.ts";
import { DEFAULT_REPORT_DIR, openExistingStore, requireRun } from "./store-option.ts";

/** `turnsafe redteam run|report`: search for the conversation that breaks a model (MCTS, Crescendo, linear). */
export function registerRedteamCommand(program: Command): void {
  const redteam = program
    .command("redteam")
    .description(
      "Red teaming: MCTS search over multimodal conversations, with Crescendo and linear baselines",
    );
  redteam
    .command("run")
    .description("Search for attacks on each task (resumes when rerun with the same options)")
    .option("--config <file>", "YAML config (flags win over it)")
    .option("--tasks <file>", `tasks JSONL (MMRT or {id, goal, images?}), or "${BUNDLED_TASKS}"`)
    .option(
      "--images <dir>",
      "MMRT images folder (<dir>/<task id>/<image id>; default: images/ beside the tasks)",
    )
    .option("--method <methods>", `search methods, comma-separated: ${METHODS.join(", ")}`)
    .option(
      "--target <spec...>",
      "model(s) under test: provider:model, ..., or simulator (the red-team script)",
    )
    .option("--attacker <spec>", "attacker model (default: simulator)")
    .option(
      "--judge <spec>",
      "1-5 judge model (default: simulator), or a turnsafe judge as the scorer, its verdict mapped onto 1-5: moderator:<spec> | local | safety:<model spec> | refusal",
    )
    .option(
      "--image-model <spec>",
      "text-to-image model (OpenAI images API) for the attacker's new_image_prompt: openai:<model>, openai-compatible:<model>@<url> or simulator (default: none, requests recorded only)",
    )
    .option("--image-size <WxH>", "size asked of --image-model (1024x1024)")
    .option("--budget <limits>", "per search: calls=N,tokens=N,cost=USD,time=90s|10m|1h")
    .option("--run-budget <limits>", "over the whole run, same form")
    .option("--samples <n>", "searches per task, method and target (other attacker samples)")
    .option("--seed <n>", "seed mixed into every attacker call")
    .option("--iterations <n>", "MCTS iterations, and restarts of the linear and Crescendo loops (20)")
    .option("--max-rounds <n>", "longest conversation in user turns (10)")
    .option("--concurrency <n>", "searches played at once (8)")
    .option("--endpoint-concurrency <n>", "default concurrent requests per endpoint", "8")
    .option("--name <name>", "run name (part of the run id)")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--report-dir <dir>", "where reports are written", DEFAULT_REPORT_DIR)
    .option("--report-cases <n>", "searches shown in full in the report", "200")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--retry-errors", "replay searches that errored in an earlier session of this run")
    .option("--wait", "if another command is playing this run, wait for it, then report (default: exit 5)")
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .action(async (flags: RedteamRunFlags) => {
      const output = createOutput(flags);
      const scope = new AsyncDisposableStack();
      try {
        const plan = await planRedteamRun(flags, scope);
        const interrupt = onInterrupt(output.note);
        try {
          process.exitCode = await presentRun(
            output,
            { storePath: plan.storePath, signal: interrupt.signal, wait: flags.wait },
            (hooks) => executeRedteamRun(plan, hooks),
          );
        } finally {
          interrupt.dispose();
        }
      } finally {
        await scope.disposeAsync();
      }
    });
  registerBenchmarkReport(redteam, redteamBenchmark, {
    whose: "a red-team run's",
    casesHelp: "searches shown in full",
    cases: positiveInteger,
  });
  registerExport(redteam);
}

function registerExport(redteam: Command): void {
  redteam
    .command("export")
    .description("Write successful and near-successful attack dialogues as MMDS-format JSONL, images copied")
    .argument("<run>", "run id, id prefix or name")
    .requiredOption("--out <dir>", "folder for redteam-mmds.jsonl and images/")
    .option("--min-score <n>", "lowest best judge score exported (5: successes only)", "4")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--json", "print one JSON object on stdout")
    .action(
      async (idOrName: string, flags: { out: string; minScore: string; store?: string; json?: boolean }) => {
        const output = createOutput(flags);
        const minScore = positiveInteger(flags.minScore, "--min-score");
        if (minScore > 5) throw new InputError("must be 1 to 5", "--min-score");
        const store = openExistingStore(flags.store);
        try {
          const run = requireRun(store, idOrName);
          if (run.recipe !== redteamBenchmark.name)
            throw new InputError(`run ${run.id} is a ${run.recipe} run, not redteam`, "run");
          const summary = await writeMmdsExport(store, run.id, path.resolve(flags.out), minScore);
          output.result(
            { runId: run.id, ...summary },
            `${summary.dialogues} dialogues, ${summary.images} images: ${summary.file}`,
          );
        } finally {
          store.close();
        }
      },
    );
}
