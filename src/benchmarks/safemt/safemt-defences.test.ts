import { describe, expect, it } from "vitest";
import type { Target } from "../../contracts/index.ts";
import { targetHints } from "../../engine/target-hints.ts";
import { ConfigError, InputError } from "../../errors.ts";
import type { Moderator } from "../../moderators/moderator.ts";
import { scriptedTarget } from "../../testing/test-target.ts";
import { defendedTargets, parseDefences } from "./safemt-defences.ts";

const moderator: Moderator = {
  name: "stub",
  moderate: async () => ({ status: "ok", user: null, assistant: null, raw: null, error: null }),
};

describe("parseDefences", () => {
  it("reads comma-separated and repeated values once each", () => {
    expect(parseDefences(["none,policy-injection", "policy-block", "none"])).toEqual([
      "none",
      "policy-injection",
      "policy-block",
    ]);
  });

  it("names the flag and the choices for an unknown defence", () => {
    expect(() => parseDefences(["none,guard"])).toThrow(InputError);
    expect(() => parseDefences(["none,guard"])).toThrow(
      /--defence: unknown defence "guard"; use none, policy-injection, policy-block/,
    );
    expect(() => parseDefences([" , "])).toThrow(/at least one defence/);
  });
});

describe("defendedTargets", () => {
  it("runs every target under every defence, with the defence in the id and fingerprint", () => {
    const a = scriptedTarget(() => "a", { id: "test:a", fingerprint: "fa" });
    const b = scriptedTarget(() => "b", { id: "test:b", fingerprint: "fb" });
    const { targets, conditions } = defendedTargets([a, b], ["none", "policy-injection", "policy-block"], {
      moderator,
    });
    expect(targets.map((target) => target.id)).toEqual([
      "test:a",
      "test:a+policy-injection",
      "test:a+policy-block",
      "test:b",
      "test:b+policy-injection",
      "test:b+policy-block",
    ]);
    expect(new Set(targets.map((target) => target.fingerprint)).size).toBe(6);
    expect(targetHints(targets[1] as Target).middleware).toBe(true);
    expect(conditions[4]).toEqual({
      target: "test:b+policy-injection",
      model: "test:b",
      defence: "policy-injection",
    });
  });

  it("needs a moderator for the policy defences and distinct target ids", () => {
    const a = scriptedTarget(() => "a", { id: "test:a" });
    expect(() => defendedTargets([a], ["none", "policy-injection"], {})).toThrow(ConfigError);
    expect(defendedTargets([a], ["none"], {}).targets).toEqual([a]);
    expect(() => defendedTargets([a, a], ["none"], {})).toThrow(/two targets share the id test:a/);
  });
});
