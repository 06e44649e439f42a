import { describe, expect, it } from "vitest";
import { ConfigError, InputError } from "../errors.ts";
import { resolveCapabilities } from "./provider-limits.ts";
import { parseTargetSpec, resolveApiKey, resolveBaseURL, resolveHeaders } from "./provider-spec.ts";

/** A `${NAME}` header reference, built so it is not mistaken for a template slip. */
const envRef = (name: string) => `\${${name}}`;

function inputErrorOf(spec: string | object, where = "targets[0]"): InputError {
  try {
    parseTargetSpec(spec, where);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected parseTargetSpec to fail");
}

describe("parseTargetSpec strings", () => {
  it.each([
    ["openai:gpt-4o-mini", { provider: "openai", model: "gpt-4o-mini" }],
    ["anthropic:claude-sonnet-4-5", { provider: "anthropic", model: "claude-sonnet-4-5" }],
    ["google:gemini-2.5-flash", { provider: "google", model: "gemini-2.5-flash" }],
    [
      "openai-compatible:Qwen/Qwen2.5-VL-7B-Instruct@http://localhost:8000/v1/",
      {
        provider: "openai-compatible",
        model: "Qwen/Qwen2.5-VL-7B-Instruct",
        baseURL: "http://localhost:8000/v1",
      },
    ],
    [
      "openai-compatible:llava:13b@https://gpu.example.org/v1",
      { provider: "openai-compatible", model: "llava:13b", baseURL: "https://gpu.example.org/v1" },
    ],
    ["anthropic:claude-3@20240229", { provider: "anthropic", model: "claude-3@20240229" }],
  ])("parses %s", (spec, expected) => {
    expect(parseTargetSpec(spec, "x")).toEqual(expected);
  });

  it("explains the expected form when the provider is missing", () => {
    const error = inputErrorOf("gpt-4o");
    expect(error.where).toBe("targets[0]");
    expect(error.message).toMatch(/expected provider:model/);
  });

  it("names the provider field for an unknown provider", () => {
    const error = inputErrorOf("mistral:large");
    expect(error.where).toBe("targets[0].provider");
    expect(error.message).toContain("openai, anthropic, google, openai-compatible");
  });

  it("asks for a baseURL for openai-compatible", () => {
    const error = inputErrorOf("openai-compatible:my-model");
    expect(error.where).toBe("targets[0].baseURL");
    expect(error.message).toContain("@http://host:8000/v1");
  });

  it("rejects an empty model", () => {
    expect(inputErrorOf("openai:").where).toBe("targets[0].model");
  });
});

describe("parseTargetSpec objects", () => {
  it("accepts every documented field", () => {
    const config = parseTargetSpec(
      {
        provider: "openai-compatible",
        model: "m",
        baseURL: "http://127.0.0.1:8000/v1",
        apiKeyEnv: "VLLM_KEY",
        label: "local",
        params: { temperature: 0, maxOutputTokens: 100, topP: 0.9, seed: 1, stopSequences: ["END"] },
        capabilities: {
          vision: true,
          maxImages: 4,
          imageFallback: "text-marker",
          maxImageBytes: 1000,
          maxImageDimension: 512,
        },
        concurrency: 8,
        timeoutMs: 30_000,
        headers: { "x-org": envRef("ORG_ID") },
      },
      "x",
    );
    expect(config.capabilities?.maxImages).toBe(4);
    expect(config.headers).toEqual({ "x-org": envRef("ORG_ID") });
  });

  it.each([
    [{ provider: "openai", model: "m", params: { temperature: 5 } }, "targets[0].params.temperature"],
    [{ provider: "openai", model: "m", params: { maxTokens: 5 } }, "targets[0].params"],
    [
      { provider: "openai", model: "m", capabilities: { maxImages: -1 } },
      "targets[0].capabilities.maxImages",
    ],
    [
      { provider: "openai", model: "m", capabilities: { imageFallback: "drop" } },
      "targets[0].capabilities.imageFallback",
    ],
    [{ provider: "openai", model: "m", apiKeyEnv: "sk-abc123" }, "targets[0].apiKeyEnv"],
    [{ provider: "openai", model: "m", baseURL: "ftp://x" }, "targets[0].baseURL"],
    [{ provider: "openai", model: "m", baseURL: "not a url" }, "targets[0].baseURL"],
    [{ provider: "openai", model: "m", baseURL: "https://user:pw@x.example/v1" }, "targets[0].baseURL"],
    [{ provider: "openai", model: "m", baseURL: "https://x.example/v1?key=1" }, "targets[0].baseURL"],
    [{ provider: "openai", model: "m", concurrency: 0 }, "targets[0].concurrency"],
    [{ provider: "openai", model: "m", apiKey: "sk-nope" }, "targets[0]"],
  ])("names the field of %j", (spec, where) => {
    const error = inputErrorOf(spec);
    expect(error.where).toBe(where);
    expect(error.message.startsWith(`${where}: `)).toBe(true);
  });

  it("lists every problem when several fields are wrong", () => {
    const error = inputErrorOf({ provider: "openai", model: 3, concurrency: -1 });
    expect(error.where).toBe("targets[0]");
    expect(error.message).toMatch(/model: .*; concurrency: /);
  });

  it("points a pasted apiKey at apiKeyEnv", () => {
    expect(inputErrorOf({ provider: "openai", model: "m", apiKey: "sk-nope" }).message).toContain(
      "apiKeyEnv",
    );
  });

  it("never echoes a key pasted where a variable name belongs", () => {
    const error = inputErrorOf({ provider: "openai", model: "m", apiKeyEnv: "sk-abc123secret" });
    expect(error.message).not.toContain("sk-abc123secret");
  });
});

describe("resolving settings", () => {
  it("uses public base URLs unless given", () => {
    expect(resolveBaseURL(parseTargetSpec("openai:m", "x"))).toBe("https://api.openai.com/v1");
    expect(resolveBaseURL(parseTargetSpec("google:m", "x"))).toBe(
      "https://generativelanguage.googleapis.com/v1beta",
    );
  });

  it("reads keys from the given env only, naming the variable when absent", () => {
    const config = parseTargetSpec("google:gemini-2.5-flash", "x");
    expect(resolveApiKey(config, { GOOGLE_GENERATIVE_AI_API_KEY: "g-key" })).toBe("g-key");
    expect(() => resolveApiKey(config, { GOOGLE_GENERATIVE_AI_API_KEY: " " })).toThrow(ConfigError);
    expect(() => resolveApiKey(config, {})).toThrow(/GOOGLE_GENERATIVE_AI_API_KEY/);
    expect(resolveApiKey(parseTargetSpec("openai-compatible:m@http://h/v1", "x"), {})).toBeUndefined();
  });

  it("fills header references and reports their values as secrets", () => {
    const resolved = resolveHeaders(
      { authorization: `Bearer ${envRef("TOKEN")}`, "x-plain": `$5 \${NOPE` },
      { TOKEN: "t0k3n" },
    );
    expect(resolved.headers).toEqual({ authorization: "Bearer t0k3n", "x-plain": `$5 \${NOPE` });
    expect(resolved.secrets).toEqual(["t0k3n"]);
    expect(() => resolveHeaders({ a: envRef("MISSING") }, {})).toThrow(/MISSING/);
  });

  it("gives provider default capabilities and lets config override them", () => {
    expect(resolveCapabilities("anthropic")).toMatchObject({
      vision: true,
      imageFallback: "error",
      imageLimits: { maxBytes: 5 * 1024 * 1024, maxDimension: 1568 },
    });
    expect(resolveCapabilities("google").imageLimits.mediaTypes).not.toContain("image/gif");
    const custom = resolveCapabilities("openai-compatible", { maxImages: 2, maxImageBytes: 1000 });
    expect(custom.maxImages).toBe(2);
    expect(custom.imageLimits.maxBytes).toBe(1000);
    expect(custom.imageLimits.maxDimension).toBe(2048);
  });
});
