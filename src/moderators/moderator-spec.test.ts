import { describe, expect, it } from "vitest";
import type { Target } from "../contracts/index.ts";
import { targetHints } from "../engine/target-hints.ts";
import { ConfigError, InputError } from "../errors.ts";
import { createModeratorFromSpec } from "./moderator-spec.ts";
import { DEFAULT_POLICY } from "./policy.ts";

const options = { env: { OPENAI_API_KEY: "sk-test" }, baseDir: process.cwd() };

describe("createModeratorFromSpec", () => {
  it("builds model-backed moderators on a target spec, named by their spec", async () => {
    for (const spec of [
      "prompted:openai-compatible:judge@http://127.0.0.1:9/v1",
      "llavashield:openai-compatible:llavashield-7b@http://127.0.0.1:9/v1",
      "llama-guard-3:openai-compatible:guard@http://127.0.0.1:9/v1",
      "llama-guard-3-vision:openai-compatible:guard@http://127.0.0.1:9/v1",
      "llama-guard-4:openai-compatible:guard@http://127.0.0.1:9/v1",
    ]) {
      const built = await createModeratorFromSpec(spec, options);
      expect(built.moderator.name).toBe(spec);
      expect(built.moderator.target?.id).toBe(`openai-compatible:${spec.split(":").at(-3)?.split("@")[0]}`);
      await built.close();
    }
  });

  it("starts an in-process simulator for simulator targets and stops it on close", async () => {
    const built = await createModeratorFromSpec("llama-guard-4:simulator#guard", options);
    expect(targetHints(built.moderator.target as Target).isSimulator).toBe(true);
    await built.close();
  });

  it("builds the local guard and a cascade from it to a model backend", async () => {
    const quick = { ...options, localGuard: { ocr: false, nsfw: false } };
    const local = await createModeratorFromSpec("local", quick);
    const dialogue = {
      version: 1 as const,
      id: "d",
      messages: [
        {
          role: "user" as const,
          content: [{ type: "text" as const, text: "What is the capital of France?" }],
        },
      ],
      labels: {},
      metadata: {},
    };
    const direct = { call: () => Promise.reject(new Error("the local guard makes no model calls")) };
    const verdict = await local.moderator.moderate(dialogue, DEFAULT_POLICY, direct);
    expect(verdict).toMatchObject({ status: "ok", user: { rating: "safe" }, assistant: null });
    await local.close();
    const cascade = await createModeratorFromSpec("cascade:local,llama-guard-4:simulator#guard", quick);
    expect(cascade.moderator.name).toBe("cascade:local,llama-guard-4:simulator#guard");
    expect(targetHints(cascade.moderator.target as Target).isSimulator).toBe(true);
    await cascade.close();
  });

  it("reads openai-moderation with an optional model and base URL", async () => {
    const plain = await createModeratorFromSpec("openai-moderation", options);
    expect(plain.moderator.target?.model).toBe("omni-moderation-latest");
    const custom = await createModeratorFromSpec(
      "openai-moderation:text-moderation-latest@http://127.0.0.1:9/v1",
      options,
    );
    expect(custom.moderator.target).toMatchObject({ model: "text-moderation-latest" });
    expect(targetHints(custom.moderator.target as Target).endpoint).toBe(
      "openai-moderation@http://127.0.0.1:9/v1",
    );
    await expect(createModeratorFromSpec("openai-moderation", { ...options, env: {} })).rejects.toThrow(
      ConfigError,
    );
  });

  it("rejects unknown specs, missing targets and malformed cascades with the accepted forms", async () => {
    await expect(createModeratorFromSpec("gpt-guard", options)).rejects.toThrow(
      /unknown moderator; forms: local/,
    );
    await expect(createModeratorFromSpec("llavashield:", options)).rejects.toThrow(InputError);
    await expect(createModeratorFromSpec("cascade:prompted:openai:gpt-4o-mini", options)).rejects.toThrow(
      /cascade:local,<moderator spec>/,
    );
    await expect(createModeratorFromSpec("openai-moderation@ftp://x", options)).rejects.toThrow(InputError);
  });
});
