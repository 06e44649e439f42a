import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

export interface StubStats {
  requests: number;
  firstArrival: number;
  lastFinish: number;
  maxInFlight: number;
  inFlightSum: number;
  inFlightSamples: number;
  arrivals: number[];
}

/** Starts bench/outside/stub-server.ts in its own process. */
export async function startStub(
  delayMs: number,
): Promise<{ url: string; stats(): Promise<StubStats>; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "stub-server.ts"), String(delayMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`stub exited with ${code}`)));
  });
  const { url } = JSON.parse(first) as { url: string };
  return {
    url,
    async stats() {
      const response = await fetch(`${url}/stats`);
      return (await response.json()) as StubStats;
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
