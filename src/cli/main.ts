import { Command, CommanderError } from "commander";
import { registerAm3Command } from "./commands/am3-command.ts";
import { registerExportCommand } from "./commands/export-command.ts";
import { registerGuardCommand } from "./commands/guard-command.ts";
import { registerJudgeCommand } from "./commands/judge-command.ts";
import { registerModerateCommand } from "./commands/moderate-command.ts";
import { registerMtmcsCommand } from "./commands/mtmcs-command.ts";
import { registerQuickstartCommand } from "./commands/quickstart-command.ts";
import { registerRedteamCommand } from "./commands/redteam-command.ts";
import { registerReportCommand } from "./commands/report-command.ts";
import { registerRewardCommand } from "./commands/reward-command.ts";
import { registerRunCommand } from "./commands/run-command.ts";
import { registerRunsCommand } from "./commands/runs-command.ts";
import { registerSafemtBuildCommand } from "./commands/safemt-build-command.ts";
import { registerSafemtCommand } from "./commands/safemt-command.ts";
import { registerSimulatorCommand } from "./commands/simulator-command.ts";
import { registerStoreCommand } from "./commands/store-command.ts";
import { registerViewCommand } from "./commands/view-command.ts";
import { registerWorkerCommand } from "./commands/worker-command.ts";
import { EXIT } from "./exit-codes.ts";
import { startedByNpm, stopWhenOrphaned } from "./interrupt.ts";
import { reportError } from "./output.ts";
import { outputFlushed, watchStdout } from "./stdout-closed.ts";

/** Builds the command tree (exported for tests and `--help` checks). */
export function buildProgram(): Command {
  const program = new Command("turnsafe")
    .description("Safety testing for multimodal language models in multi-turn conversations")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerQuickstartCommand(program);
  registerRunCommand(program);
  registerRunsCommand(program);
  registerWorkerCommand(program);
  registerReportCommand(program);
  registerExportCommand(program);
  registerSafemtBuildCommand(registerSafemtCommand(program));
  registerMtmcsCommand(program);
  registerModerateCommand(program);
  registerJudgeCommand(program);
  registerRedteamCommand(program);
  registerGuardCommand(program);
  registerRewardCommand(program);
  registerAm3Command(program);
  registerSimulatorCommand(program);
  registerViewCommand(program);
  registerStoreCommand(program);
  return program;
}

/**
 * Runs the CLI; returns the exit code (the bin script sets it). `standalone` (the bin script),
 * when started through npm (`npx turnsafe`, `npm run`), also stops turnsafe when npm goes away (see
 * `stopWhenOrphaned`). Started any other way (`nohup node bin/turnsafe.js run ... &`), it outlives
 * its parent as before.
 */
export async function main(argv: string[], options: { standalone?: boolean } = {}): Promise<number> {
  watchStdout();
  if (options.standalone && startedByNpm(process.env)) stopWhenOrphaned();
  const program = buildProgram();
  const json = argv.includes("--json");
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(error, json);
  } finally {
    await outputFlushed();
  }
}
