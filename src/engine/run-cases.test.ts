import { describe, expect, it } from "vitest";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { runCases } from "./run-cases.ts";
import { SqliteStore } from "./sqlite-store.ts";

function dialogue(index: number): Dialogue {
  return {
    version: 1,
    id: `d${index}`,
    messages: [{ role: "user", content: [{ type: "text", text: `q${index}` }] }],
    labels: {},
    metadata: {},
  };
}

describe("runCases", () => {
  it("lets another case in while a case's call waits out a retry delay, up to twice the concurrency", async () => {
    const store = new SqliteStore(":memory:");
    store.putRun({
      id: "r",
      name: "r",
      recipe: "test",
      status: "running",
      config: {},
      simulator: true,
      createdAt: "now",
      updatedAt: "now",
    });
    const listeners = new Set<() => void>();
    const gauge = {
      backingOff: 0,
      onBackoff(listener: () => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const started: string[] = [];
    let peak = 0;
    let running = 0;
    const releases: (() => void)[] = [];
    const done = runCases({
      store,
      runId: "r",
      cases: Array.from({ length: 6 }, (_, index) => dialogue(index)),
      concurrency: 2,
      backoff: gauge,
      play: async (item) => {
        started.push(item.id);
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return null;
      },
    });
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    await tick();
    expect(started).toEqual(["d0", "d1"]);
    // Both running cases' calls start waiting out a Retry-After: two more cases come in, no more.
    gauge.backingOff = 2;
    for (const listener of listeners) listener();
    await tick();
    expect(started).toEqual(["d0", "d1", "d2", "d3"]);
    gauge.backingOff = 5;
    for (const listener of listeners) listener();
    await tick();
    expect(started).toHaveLength(4);
    gauge.backingOff = 0;
    while (releases.length > 0 || started.length < 6) {
      releases.shift()?.();
      await tick();
    }
    const progress = await done;
    expect(progress.done).toBe(6);
    expect(peak).toBe(4);
    expect(listeners.size).toBe(0);
  });
});
