import { EXIT } from "./exit-codes.ts";

const STOP_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Graceful stops of the commands now running, called when the parent process goes away. */
const activeStops = new Set<(reason: string) => void>();

/**
 * Turns the first Ctrl-C / SIGTERM / SIGHUP into a graceful stop (the run records what it finished
 * and can be resumed), and a second one into an immediate exit.
 */
export function onInterrupt(note: (line: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (reason: string) => {
    note(`\nturnsafe: ${reason}, finishing in-flight writes (press Ctrl-C again to quit at once)`);
    controller.abort();
  };
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      note("turnsafe: stopping now");
      process.exit(EXIT.interrupted);
    }
    stop(`${signal} received`);
  };
  const parentGone = (reason: string) => {
    if (!controller.signal.aborted) stop(reason);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  activeStops.add(parentGone);
  return {
    signal: controller.signal,
    dispose() {
      for (const signal of STOP_SIGNALS) process.off(signal, handler);
      activeStops.delete(parentGone);
    },
  };
}

/** Whether npm (npx, npm exec, npm run) started this process: it sets these in the environment. */
export function startedByNpm(env: NodeJS.ProcessEnv): boolean {
  return env.npm_command !== undefined || env.npm_lifecycle_event !== undefined;
}

/**
 * Stops turnsafe when the process that started it goes away. `npx turnsafe` and `npm run` start
 * turnsafe through `sh -c`; a signal sent to npm reaches that shell, which dies without passing it
 * on, and turnsafe (a server, or a run) would be left running, orphaned. This notices the orphaning
 * (the parent process id changes) and stops like SIGTERM: gracefully when a command handles
 * interrupts, else at once with the interrupted exit code.
 */
export function stopWhenOrphaned(pollMs = 250): void {
  const parent = process.ppid;
  if (process.platform === "win32" || parent <= 1) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    const reason = `the parent process (${parent}) is gone`;
    if (activeStops.size === 0) {
      process.stderr.write(`turnsafe: ${reason}; stopping\n`);
      process.exit(EXIT.interrupted);
    }
    for (const stop of activeStops) stop(reason);
  }, pollMs);
  timer.unref();
}
