import type { Command } from "commander";
import { InputError } from "../../errors.ts";
import { DEFAULT_SIMULATOR_SCRIPT_YAML } from "../../simulator/default-script.ts";
import { defaultSimulatorScript, loadSimulatorScript } from "../../simulator/script.ts";
import { type SimulatorStats, startSimulator } from "../../simulator/simulator-server.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { positiveInteger } from "./run-command.ts";

/** `turnsafe sim serve|script`: the scripted OpenAI-compatible simulator (not a model). */
export function registerSimulatorCommand(program: Command): void {
  const sim = program
    .command("sim")
    .description("The scripted OpenAI-compatible simulator, for testing without a model");
  sim
    .command("serve")
    .description("Serve the simulator until Ctrl-C")
    .option("--port <n>", "port (0 picks a free one)", "8787")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option(
      "--script <file>",
      "YAML behaviours script (default: the built-in one; `turnsafe sim script` prints it)",
    )
    .option("--api-key-env <name>", "require clients to send the key held in this environment variable")
    .option("--json", "print one JSON line with the URL once listening")
    .action(
      async (flags: { port: string; host: string; script?: string; apiKeyEnv?: string; json?: boolean }) => {
        const output = createOutput(flags);
        const port = flags.port === "0" ? 0 : positiveInteger(flags.port, "--port");
        const script = flags.script ? await loadSimulatorScript(flags.script) : defaultSimulatorScript();
        let apiKey: string | undefined;
        if (flags.apiKeyEnv) {
          apiKey = process.env[flags.apiKeyEnv];
          if (!apiKey)
            throw new InputError(`environment variable ${flags.apiKeyEnv} is not set`, "--api-key-env");
        }
        const simulator = await startSimulator({ script, port, host: flags.host, apiKey });
        output.result(
          { url: simulator.url, port: simulator.port, simulator: true, script: flags.script ?? "built-in" },
          `turnsafe simulator (scripted replies, not a model) listening on ${simulator.url}\nuse it as: openai-compatible:turnsafe-sim@${simulator.url}  — Ctrl-C to stop`,
        );
        const interrupt = onInterrupt(output.note);
        await new Promise<void>((resolve) =>
          interrupt.signal.addEventListener("abort", () => resolve(), { once: true }),
        );
        interrupt.dispose();
        await simulator.close();
        output.note(describeSimulatorStop(simulator.stats()));
      },
    );
  sim
    .command("script")
    .description("Print the built-in behaviours script (a starting point for your own)")
    .action(() => {
      process.stdout.write(DEFAULT_SIMULATOR_SCRIPT_YAML);
    });
}

/** The line `sim serve` prints on stopping: what it answered, in words. */
export function describeSimulatorStop(stats: SimulatorStats): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  const parts = [
    plural(stats.requests, "request"),
    `${stats.replies} ${stats.replies === 1 ? "reply" : "replies"}`,
  ];
  const statuses = Object.entries(stats.errorsByStatus)
    .map(([status, count]) => `HTTP ${status}: ${count}`)
    .join(", ");
  if (stats.errors) parts.push(`${plural(stats.errors, "error")}${statuses ? ` (${statuses})` : ""}`);
  if (stats.timeouts) parts.push(plural(stats.timeouts, "timeout"));
  if (stats.malformed) parts.push(`${stats.malformed} malformed`);
  if (stats.invalid) parts.push(`${stats.invalid} invalid`);
  if (stats.unauthorized) parts.push(`${stats.unauthorized} unauthorized`);
  return `simulator stopped: ${parts.join(", ")}`;
}
