/**
 * Turns the first Ctrl-C / SIGTERM into a graceful stop (the run records what it finished and
 * can be resumed), and a second one into an immediate exit.
 */
export function onInterrupt(note: (line: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      note("turnsafe: stopping now");
      process.exit(130);
    }
    note(`\nturnsafe: ${signal} received, finishing in-flight writes (press Ctrl-C again to quit at once)`);
    controller.abort();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
