import { describe, expect, it } from "vitest";
import type { Target } from "../contracts/index.ts";
import { parseSimulatorScript } from "../simulator/script.ts";
import { startSimulator } from "../simulator/simulator-server.ts";
import { simulatorTarget } from "../targets/build-target.ts";
import { wrapTarget } from "../targets/target.ts";
import { scriptedTarget } from "../testing/test-target.ts";
import { targetHints, withHints } from "./target-hints.ts";

describe("scheduling hints are kept apart from the model contract", () => {
  it("a built target carries only the model contract; its hints are registered beside it", async () => {
    const simulator = await startSimulator({
      script: parseSimulatorScript("default:\n  reply: hi\n", "s.yaml"),
    });
    try {
      const target = simulatorTarget(simulator, "default:\n  reply: hi\n", "s.yaml", "sim");
      expect(Object.keys(target)).not.toContain("hints");
      expect(target.capabilities.vision).toBe(true);
      expect(targetHints(target)).toMatchObject({ endpoint: "simulator:s.yaml", isSimulator: true });
      expect(targetHints(target).timeoutMs).toBeGreaterThan(0);
    } finally {
      await simulator.close();
    }
  });

  it("a wrapped target is scheduled like its model and marked as middleware", () => {
    const inner = scriptedTarget(() => "ok", { endpoint: "shared" });
    const wrapped = wrapTarget(inner, [{ name: "noop" }]);
    expect(Object.keys(wrapped)).not.toContain("hints");
    expect(targetHints(wrapped)).toMatchObject({ endpoint: "shared", isSimulator: true, middleware: true });
    expect(targetHints(inner).middleware).toBeUndefined();
  });

  it("a copy made with a spread keeps its hints; a bare target is its own endpoint", () => {
    const wrapped = wrapTarget(
      scriptedTarget(() => "ok", { endpoint: "shared" }),
      [{ name: "noop" }],
    );
    const renamed = { ...wrapped, id: "renamed" };
    expect(targetHints(renamed)).toMatchObject({ endpoint: "shared", middleware: true });
    const bare = { ...scriptedTarget(() => "ok"), id: "bare" };
    withHints(bare, { endpoint: "e", isSimulator: false, concurrency: 2 });
    expect(targetHints(bare).concurrency).toBe(2);
    const plain = { id: "plain" } as unknown as Target;
    expect(targetHints(plain)).toEqual({ endpoint: "plain", isSimulator: false });
  });
});
