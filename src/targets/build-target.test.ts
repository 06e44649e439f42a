import { describe, expect, it } from "vitest";
import { targetHints } from "../engine/target-hints.ts";
import { buildTarget } from "./build-target.ts";

const messages = [{ role: "user" as const, content: [{ type: "text" as const, text: "hello" }] }];

describe("buildTarget", () => {
  it("starts a simulator for a simulator spec and stops it when the scope is disposed", async () => {
    const scope = new AsyncDisposableStack();
    const target = await buildTarget("simulator#sim", "target", { baseDir: process.cwd(), env: {} }, scope);
    expect(targetHints(target).isSimulator).toBe(true);
    expect(targetHints(target).endpoint).toBe("simulator:built-in");
    const answer = await target.generate({ messages });
    expect(typeof answer.text).toBe("string");
    await scope.disposeAsync();
    // The simulator is gone: the same target can no longer be reached.
    await expect(target.generate({ messages })).rejects.toThrow();
  });

  it("builds provider targets without starting anything", async () => {
    const scope = new AsyncDisposableStack();
    const target = await buildTarget(
      "openai-compatible:m@http://127.0.0.1:9/v1",
      "target",
      { baseDir: process.cwd(), env: {} },
      scope,
    );
    expect(targetHints(target).isSimulator).toBe(false);
    // Nothing was deferred onto the scope.
    expect(scope.disposed).toBe(false);
    await scope.disposeAsync();
  });
});
