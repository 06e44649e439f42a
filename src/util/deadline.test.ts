import { describe, expect, it } from "vitest";
import { deadline } from "./deadline.ts";

describe("deadline", () => {
  it("aborts with a TimeoutError when time runs out", async () => {
    const limit = deadline(undefined, 10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(limit.signal.aborted).toBe(true);
    expect(limit.timedOut()).toBe(true);
    expect((limit.signal.reason as DOMException).name).toBe("TimeoutError");
  });
  it("follows its parent and stops listening once disposed", () => {
    const parent = new AbortController();
    const limit = deadline(parent.signal, 10_000);
    parent.abort(new Error("stop"));
    expect(limit.signal.aborted).toBe(true);
    expect(limit.timedOut()).toBe(false);
    limit.dispose();
    const other = new AbortController();
    const quiet = deadline(other.signal, 10_000);
    quiet.dispose();
    other.abort();
    expect(quiet.signal.aborted).toBe(false);
  });
});
