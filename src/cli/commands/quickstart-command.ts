import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { planDialogueRun } from "../../benchmarks/dialogues/plan-dialogue-run.ts";
import { QUICKSTART_SIMULATOR_SCRIPT } from "../../benchmarks/dialogues/quickstart-script.ts";
import { RunConfigSchema } from "../../config/run-config.ts";
import { InputError } from "../../errors.ts";
import { failOnOption } from "../fail-on.ts";
import { createOutput } from "../output.ts";
import { playPlannedRun } from "./play-planned-run.ts";
import { resolveStorePath } from "./store-option.ts";

/**
 * `turnsafe quickstart`: the bundled multi-turn suite through the whole pipeline against the
 * built-in simulator (scripted, not a model), stored and reported.
 */
export function registerQuickstartCommand(program: Command): void {
  program
    .command("quickstart")
    .description("Run the bundled multi-turn suite against the built-in simulator and write a report")
    .option(
      "--dir <dir>",
      "working folder for the suite, store and reports (default: .turnsafe, the store $TURNSAFE_STORE when set)",
    )
    .option(...failOnOption("safety unsafe_rate > 0.05"))
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .action(async (flags: { dir?: string; failOn: string[]; json?: boolean; quiet?: boolean }) => {
      const output = createOutput(flags);
      const dir = path.resolve(flags.dir ?? ".turnsafe");
      // The same store every other command reads by default (see store-option.ts).
      const storePath = flags.dir ? path.join(dir, "turnsafe.db") : resolveStorePath(undefined);
      const suiteDir = path.join(dir, "quickstart");
      const scriptFile = path.join(suiteDir, "simulator.yaml");
      try {
        mkdirSync(suiteDir, { recursive: true });
        writeFileSync(scriptFile, QUICKSTART_SIMULATOR_SCRIPT);
      } catch (error) {
        throw new InputError(
          `cannot use ${dir} as the quickstart folder: ${folderProblem(dir, error)}`,
          "--dir",
          {
            cause: error,
          },
        );
      }
      const config = RunConfigSchema.parse({
        name: "quickstart",
        data: "quickstart",
        imageDir: suiteDir,
        target: `simulator:${scriptFile}`,
        judges: ["refusal", { type: "safety", model: `simulator:${scriptFile}#turnsafe-sim-judge` }],
        store: storePath,
        reportDir: path.join(dir, "reports"),
        concurrency: 16,
      });
      output.note(
        "quickstart: the target and the judge are the turnsafe simulator (scripted replies, not a model)",
      );
      output.note(`simulator script: ${scriptFile}`);
      const planned = await planDialogueRun(config, { baseDir: process.cwd(), env: process.env });
      process.exitCode = await playPlannedRun(planned, output, { failOn: flags.failOn });
    });
}

/** Says why a folder could not be made or written, in words (a file in the way, no permission). */
function folderProblem(dir: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "EEXIST" || code === "ENOTDIR") {
    let at = dir;
    while (path.dirname(at) !== at) {
      try {
        if (!statSync(at).isDirectory()) return `${at} is a file, not a folder`;
      } catch {}
      at = path.dirname(at);
    }
    return "a file is in the way";
  }
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return (error as Error)?.message ?? String(error);
}
