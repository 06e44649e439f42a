import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeProviderServer,
  startFakeProviderServer,
} from "../../test/fixtures/provider-servers/fake-provider-server.ts";
import { successBody, type WireFormat } from "../../test/fixtures/provider-servers/provider-wire-formats.ts";
import { readProviderRequest } from "../../test/fixtures/provider-servers/read-provider-request.ts";
import type { Message } from "../dialogue/dialogue.ts";
import { targetHints } from "../engine/target-hints.ts";
import { TargetError } from "../errors.ts";
import { PROVIDER_IMAGE_LIMITS } from "./provider-limits.ts";
import { type ProviderName, parseTargetSpec } from "./provider-spec.ts";
import { createProviderTarget } from "./provider-target.ts";

const FAKE_KEY = "sk-test-0123456789abcdef-not-real";

interface AdapterCase {
  provider: ProviderName;
  format: WireFormat;
  model: string;
  basePath: string;
  expectedPath: string;
  keyEnv: string;
  authHeader: string;
  authValue: string;
}

const ADAPTERS: AdapterCase[] = [
  {
    provider: "openai",
    format: "openai",
    model: "gpt-4o-mini",
    basePath: "/v1",
    expectedPath: "/v1/chat/completions",
    keyEnv: "OPENAI_API_KEY",
    authHeader: "authorization",
    authValue: `Bearer ${FAKE_KEY}`,
  },
  {
    provider: "openai-compatible",
    format: "openai",
    model: "Qwen/Qwen2.5-VL-7B-Instruct",
    basePath: "/v1",
    expectedPath: "/v1/chat/completions",
    keyEnv: "LOCAL_VLLM_KEY",
    authHeader: "authorization",
    authValue: `Bearer ${FAKE_KEY}`,
  },
  {
    provider: "anthropic",
    format: "anthropic",
    model: "claude-sonnet-4-5",
    basePath: "/v1",
    expectedPath: "/v1/messages",
    keyEnv: "ANTHROPIC_API_KEY",
    authHeader: "x-api-key",
    authValue: FAKE_KEY,
  },
  {
    provider: "google",
    format: "google",
    model: "gemini-2.5-flash",
    basePath: "/v1beta",
    expectedPath: "/v1beta/models/gemini-2.5-flash:generateContent",
    keyEnv: "GOOGLE_GENERATIVE_AI_API_KEY",
    authHeader: "x-goog-api-key",
    authValue: FAKE_KEY,
  },
];

let imageDir: string;
const servers = new Map<WireFormat, FakeProviderServer>();

beforeAll(async () => {
  imageDir = await mkdtemp(path.join(tmpdir(), "turnsafe-provider-"));
  const small = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#cc2222" } })
    .png()
    .toBuffer();
  const big = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: "#2244cc" } })
    .png()
    .toBuffer();
  await writeFile(path.join(imageDir, "small.png"), small);
  await writeFile(path.join(imageDir, "big.png"), big);
  for (const format of ["openai", "anthropic", "google"] as const)
    servers.set(
      format,
      await startFakeProviderServer((request) => ({
        body: successBody(format, request, {
          text: `hello from ${format}`,
          inputTokens: 42,
          outputTokens: 7,
        }),
      })),
    );
});

afterAll(async () => {
  for (const server of servers.values()) await server.close();
  await rm(imageDir, { recursive: true, force: true });
});

const dialogue: Message[] = [
  { role: "system", content: [{ type: "text", text: "You are a careful assistant." }] },
  {
    role: "user",
    content: [
      { type: "image", image: { path: "small.png" } },
      { type: "text", text: "What is in this picture?" },
    ],
  },
  { role: "assistant", content: [{ type: "text", text: "A red rectangle." }] },
  {
    role: "user",
    content: [
      { type: "text", text: "Compare it with this one." },
      { type: "image", image: { path: "big.png" } },
    ],
  },
];

function serverFor(adapter: AdapterCase): FakeProviderServer {
  const server = servers.get(adapter.format);
  if (!server) throw new Error(`no server for ${adapter.format}`);
  return server;
}

function targetFor(adapter: AdapterCase, extra: Record<string, unknown> = {}) {
  const server = serverFor(adapter);
  const config = parseTargetSpec(
    {
      provider: adapter.provider,
      model: adapter.model,
      baseURL: `${server.url}${adapter.basePath}`,
      ...(adapter.provider === "openai-compatible" ? { apiKeyEnv: adapter.keyEnv } : {}),
      params: { temperature: 0.3, maxOutputTokens: 256 },
      ...extra,
    },
    "test",
  );
  return createProviderTarget(config, { env: { [adapter.keyEnv]: FAKE_KEY } });
}

describe.each(ADAPTERS)("$provider adapter over HTTP", (adapter) => {
  it("sends the dialogue in the provider's wire format and reads the answer", async () => {
    const server = serverFor(adapter);
    const before = server.requests.length;
    const target = targetFor(adapter);
    const response = await target.generate({ messages: dialogue, imageBaseDir: imageDir });

    expect(server.requests.length).toBe(before + 1);
    const received = server.requests.at(-1);
    if (!received) throw new Error("no request recorded");
    expect(received.method).toBe("POST");
    expect(received.path).toBe(adapter.expectedPath);
    expect(received.headers[adapter.authHeader]).toBe(adapter.authValue);

    const read = readProviderRequest(adapter.format, received.body);
    expect(read.unknownParts).toEqual([]);
    if (adapter.format !== "google") expect(read.model).toBe(adapter.model);
    expect(read.temperature).toBe(0.3);
    expect(read.maxTokens).toBe(256);
    expect(read.messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(read.messages[0]?.parts).toEqual([{ text: "You are a careful assistant." }]);
    expect(read.messages[2]?.parts).toEqual([{ text: "A red rectangle." }]);

    const [firstImage, firstText] = read.messages[1]?.parts ?? [];
    expect(firstText).toEqual({ text: "What is in this picture?" });
    if (!firstImage || !("image" in firstImage)) throw new Error("first user message lost its leading image");
    expect(firstImage.image.mediaType).toBe("image/png");
    const smallMeta = await sharp(firstImage.image.bytes).metadata();
    expect([smallMeta.width, smallMeta.height]).toEqual([64, 48]);

    const [secondText, secondImage] = read.messages[3]?.parts ?? [];
    expect(secondText).toEqual({ text: "Compare it with this one." });
    if (!secondImage || !("image" in secondImage)) throw new Error("second user message lost its image");
    const limits = PROVIDER_IMAGE_LIMITS[adapter.provider];
    const bigMeta = await sharp(secondImage.image.bytes).metadata();
    const expectedSide = Math.min(3000, limits.maxDimension);
    expect([bigMeta.width, bigMeta.height]).toEqual([expectedSide, expectedSide]);
    expect(secondImage.image.bytes.length).toBeLessThanOrEqual(limits.maxBytes);
    expect(limits.mediaTypes).toContain(secondImage.image.mediaType);

    expect(response.text).toBe(`hello from ${adapter.format}`);
    expect(response.usage).toEqual({ inputTokens: 42, outputTokens: 7 });
    expect(response.finishReason).toBe("stop");
    expect(response.modelId).toBe(`${adapter.model}-2025-01-01`);
    const resized = response.warnings.filter((warning) => warning.includes("re-encoded"));
    expect(resized).toHaveLength(3000 > limits.maxDimension ? 1 : 0);
    if (resized[0]) expect(resized[0]).toMatch(/^message 3: image big\.png .*3000x3000/);
  });

  it("keeps the key out of id, endpoint and fingerprint", () => {
    const target = targetFor(adapter);
    expect(target.id).toBe(`${adapter.provider}:${adapter.model}`);
    for (const value of [target.id, targetHints(target).endpoint, target.fingerprint])
      expect(value).not.toContain(FAKE_KEY);
    expect(targetHints(target).endpoint).toBe(
      `${adapter.provider}@${serverFor(adapter).url}${adapter.basePath}`,
    );
    expect(JSON.parse(target.fingerprint)).toEqual({
      baseURL: `${serverFor(adapter).url}${adapter.basePath}`,
      model: adapter.model,
      params: { maxOutputTokens: 256, temperature: 0.3 },
      provider: adapter.provider,
    });
  });

  it("fails with unsupported, naming the message, when vision is off", async () => {
    const server = serverFor(adapter);
    const before = server.requests.length;
    const target = targetFor(adapter, { capabilities: { vision: false } });
    const failure = await target
      .generate({ messages: dialogue, imageBaseDir: imageDir })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(TargetError);
    expect(failure.kind).toBe("unsupported");
    expect(failure.message).toContain("message 1");
    expect(server.requests.length).toBe(before);
  });

  it("replaces images with a marker and a warning when asked to", async () => {
    const server = serverFor(adapter);
    const target = targetFor(adapter, { capabilities: { vision: false, imageFallback: "text-marker" } });
    const response = await target.generate({ messages: dialogue, imageBaseDir: imageDir });
    const read = readProviderRequest(adapter.format, server.requests.at(-1)?.body);
    expect(read.messages[1]?.parts).toEqual([
      { text: "[image omitted: small.png]" },
      { text: "What is in this picture?" },
    ]);
    expect(read.messages[3]?.parts).toEqual([
      { text: "Compare it with this one." },
      { text: "[image omitted: big.png]" },
    ]);
    expect(response.warnings.filter((warning) => warning.includes("text marker"))).toHaveLength(2);
  });
});

describe("provider target settings", () => {
  it("lets request params override the target's defaults", async () => {
    const adapter = ADAPTERS[0] as AdapterCase;
    const target = targetFor(adapter);
    await target.generate({
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      params: { temperature: 0.9 },
    });
    const read = readProviderRequest("openai", serverFor(adapter).requests.at(-1)?.body);
    expect(read.temperature).toBe(0.9);
    expect(read.maxTokens).toBe(256);
  });

  it("reports SDK warnings for settings a provider ignores", async () => {
    const adapter = ADAPTERS[2] as AdapterCase;
    const target = targetFor(adapter, { params: { seed: 7, maxOutputTokens: 64 } });
    const response = await target.generate({
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    });
    expect(response.warnings.some((warning) => warning.includes("seed"))).toBe(true);
  });

  it("answers with the text parts only, in order, leaving reasoning out", async () => {
    const server = await startFakeProviderServer(() => ({
      body: {
        id: "msg_thinking",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-2025-01-01",
        content: [
          { type: "thinking", thinking: "private plan", signature: "sig" },
          { type: "text", text: "Hello, " },
          { type: "text", text: "world." },
        ],
        stop_reason: "max_tokens",
        stop_sequence: null,
        usage: { input_tokens: 11, output_tokens: 5 },
      },
    }));
    try {
      const target = createProviderTarget(
        parseTargetSpec(
          {
            provider: "anthropic",
            model: "claude-sonnet-4-5",
            baseURL: `${server.url}/v1`,
            apiKeyEnv: "KEY",
          },
          "t",
        ),
        { env: { KEY: FAKE_KEY } },
      );
      const response = await target.generate({
        messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      });
      expect(response.text).toBe("Hello, world.");
      expect(response.finishReason).toBe("length");
      expect(response.usage).toEqual({ inputTokens: 11, outputTokens: 5 });
      expect(response.modelId).toBe("claude-sonnet-4-5-2025-01-01");
    } finally {
      await server.close();
    }
  });

  it("rejects more images than the target takes", async () => {
    const adapter = ADAPTERS[1] as AdapterCase;
    const target = targetFor(adapter, { capabilities: { maxImages: 1 } });
    const failure = await target
      .generate({ messages: dialogue, imageBaseDir: imageDir })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(TargetError);
    expect(failure.kind).toBe("unsupported");
    expect(failure.message).toMatch(/2 images.*at most 1/);
  });

  it("needs a key for hosted providers and names the variable, not a value", () => {
    const config = parseTargetSpec("anthropic:claude-sonnet-4-5", "targets[0]");
    expect(() => createProviderTarget(config, { env: {} })).toThrow(/ANTHROPIC_API_KEY/);
    const custom = parseTargetSpec(
      { provider: "openai", model: "gpt-4o", apiKeyEnv: "TEAM_OPENAI_KEY" },
      "x",
    );
    expect(() => createProviderTarget(custom, { env: { OPENAI_API_KEY: FAKE_KEY } })).toThrow(
      /TEAM_OPENAI_KEY/,
    );
  });

  it("lets openai-compatible run without a key and sends resolved headers", async () => {
    const server = serverFor(ADAPTERS[1] as AdapterCase);
    const config = parseTargetSpec(
      {
        provider: "openai-compatible",
        model: "llava",
        baseURL: `${server.url}/v1`,
        headers: { "x-team": `\${TEAM_TOKEN}` },
        label: "local-llava",
      },
      "x",
    );
    const target = createProviderTarget(config, {
      env: { TEAM_TOKEN: "team-secret-value" },
      simulator: true,
    });
    expect(target.id).toBe("local-llava");
    expect(targetHints(target).isSimulator).toBe(true);
    expect(target.fingerprint).not.toContain("team-secret-value");
    await target.generate({ messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
    const received = server.requests.at(-1);
    expect(received?.headers["x-team"]).toBe("team-secret-value");
    expect(received?.headers.authorization).toBeUndefined();
    expect(() => createProviderTarget(config, { env: {} })).toThrow(/TEAM_TOKEN/);
  });
});
