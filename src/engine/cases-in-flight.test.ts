import { describe, expect, it } from "vitest";
import type { Target } from "../contracts/index.ts";
import { defaultCasesInFlight } from "./cases-in-flight.ts";
import { withHints } from "./target-hints.ts";

const model = (endpoint: string, concurrency?: number) =>
  withHints({ id: endpoint } as unknown as Target, { endpoint, concurrency, isSimulator: false });

describe("defaultCasesInFlight", () => {
  it("follows the largest target budget, plus a quarter for gaps", () => {
    expect(defaultCasesInFlight([model("a", 64)], [], 8)).toBe(80);
    expect(defaultCasesInFlight([model("a", 64), model("b", 16)], [], 8)).toBe(80);
  });
  it("uses the run's default per endpoint for targets without their own", () => {
    expect(defaultCasesInFlight([model("a")], [], 8)).toBe(10);
    expect(defaultCasesInFlight([model("a")], [], 1)).toBe(3);
  });
  it("adds each judge endpoint's budget once", () => {
    expect(defaultCasesInFlight([model("a", 64)], [model("j", 16), model("j", 16), model("k", 4)], 8)).toBe(
      84 + 21,
    );
  });
});
