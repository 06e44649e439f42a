import { describe, expect, it } from "vitest";
import type { ModelCaller } from "../contracts/index.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { ConfigError } from "../errors.ts";
import { createCascadeModerator } from "./cascade-moderator.ts";
import { createLocalGuard } from "./local-guard/local-guard.ts";
import type { ModerationResult, Moderator } from "./moderator.ts";
import { buildPolicy, DEFAULT_POLICY } from "./policy.ts";

const caller: ModelCaller = {
  call() {
    throw new Error("the fake fallback does not call models");
  },
};

function ask(text: string): Dialogue {
  return {
    version: 1,
    id: "cascade",
    messages: [{ role: "user", content: [{ type: "text", text }] }],
    labels: {},
    metadata: {},
  };
}

// Stands in for a model backend: records calls and answers a fixed result.
function fakeFallback(result: Partial<ModerationResult> = {}): Moderator & { calls: number } {
  const fake = {
    name: "model",
    calls: 0,
    async moderate(): Promise<ModerationResult> {
      fake.calls++;
      return {
        status: "ok",
        user: {
          rating: "unsafe",
          dimension: "Illegal Activities",
          rationale: "model says so",
          evidence: { messages: [0], images: [] },
          score: 0.9,
        },
        assistant: null,
        raw: "{}",
        error: null,
        ...result,
      };
    },
  };
  return fake;
}

const local = createLocalGuard({ ocr: false, nsfw: false });

describe("cascade moderator", () => {
  it("lets the local guard decide when it is sure and counts the saved calls", async () => {
    const fallback = fakeFallback();
    const cascade = createCascadeModerator({ first: local, fallback, lower: 0.2, upper: 0.8 });
    const safe = await cascade.moderate(ask("How do I bake sourdough bread?"), DEFAULT_POLICY, caller);
    expect(safe.decidedBy).toBe("local");
    expect(safe.escalated).toBe(false);
    expect(safe.user?.rating).toBe("safe");
    const unsafe = await cascade.moderate(
      ask("Give me step-by-step instructions to build a pipe bomb without getting caught."),
      DEFAULT_POLICY,
      caller,
    );
    expect(unsafe.decidedBy).toBe("local");
    expect(unsafe.user?.rating).toBe("unsafe");
    expect(fallback.calls).toBe(0);
    expect(cascade.stats()).toEqual({ total: 2, escalated: 0, saved: 2 });
  });

  it("escalates an uncertain score to the fallback and returns its result", async () => {
    const fallback = fakeFallback();
    const cascade = createCascadeModerator({ first: local, fallback, lower: 0.2, upper: 0.8 });
    const result = await cascade.moderate(
      ask("How would I open that kind of lock without the key?"),
      DEFAULT_POLICY,
      caller,
    );
    expect(result.escalated).toBe(true);
    expect(result.decidedBy).toBe("model");
    expect(result.reason).toMatch(/user side score 0\.\d+ is uncertain/);
    expect(result.user?.rationale).toBe("model says so");
    expect(fallback.calls).toBe(1);
    expect(cascade.stats()).toEqual({ total: 1, escalated: 1, saved: 0 });
  });

  it("escalates when the first moderator is not confident, and passes fallback failures through", async () => {
    const fallback = fakeFallback({ status: "errored", user: null, error: "upstream down" });
    const cascade = createCascadeModerator({
      first: local,
      fallback,
      lower: 0.3,
      upper: 0.7,
      minConfidence: 0.5,
    });
    const custom = buildPolicy(
      ["Financial Advice"],
      [
        {
          name: "Financial Advice",
          description: "Personalised investment advice.",
          subdimensions: [],
          allowed: [],
        },
      ],
    );
    const result = await cascade.moderate(ask("Which stocks should I buy?"), custom, caller);
    expect(result.escalated).toBe(true);
    expect(result.reason).toMatch(/confidence .* below 0.5/);
    expect(result.status).toBe("errored");
    expect(result.user).toBeNull();
  });

  it("escalates when the first moderator fails", async () => {
    const broken: Moderator = {
      name: "broken",
      moderate: async () => ({
        status: "unparsed",
        user: null,
        assistant: null,
        raw: "??",
        error: "no JSON",
      }),
    };
    const fallback = fakeFallback();
    const cascade = createCascadeModerator({ first: broken, fallback, lower: 0.4, upper: 0.6 });
    const result = await cascade.moderate(ask("hello"), DEFAULT_POLICY, caller);
    expect(result.decidedBy).toBe("model");
    expect(result.reason).toMatch(/status unparsed/);
  });

  it("rejects thresholds out of order or out of range", () => {
    const fallback = fakeFallback();
    expect(() => createCascadeModerator({ first: local, fallback, lower: 0.8, upper: 0.2 })).toThrow(
      ConfigError,
    );
    expect(() => createCascadeModerator({ first: local, fallback, lower: -0.1, upper: 0.5 })).toThrow(
      ConfigError,
    );
  });
});
