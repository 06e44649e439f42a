import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelCaller } from "../contracts/index.ts";
import { CallExecutor } from "../engine/call-executor.ts";
import { PriceTable } from "../engine/pricing.ts";
import { SqliteStore } from "../engine/sqlite-store.ts";
import { InputError, TargetError } from "../errors.ts";
import { SIMULATED_IMAGE_SIZE, simulatedImage } from "../simulator/image-route.ts";
import { startSimulator } from "../simulator/simulator-server.ts";
import { buildImageModel, imageSize } from "./build-image-model.ts";
import { createImageModel, generateImage } from "./image-model.ts";
import { parseTargetSpec } from "./provider-spec.ts";

const scopes: AsyncDisposableStack[] = [];
afterEach(async () => {
  for (const scope of scopes.splice(0)) await scope.disposeAsync();
});
const options = { baseDir: process.cwd(), env: {} };
const direct: ModelCaller = { call: (_role, target, request) => target.generate(request) };

describe("text-to-image model (OpenAI images API)", () => {
  it("gets a PNG from the simulator's images route, the same bytes for the same prompt", async () => {
    const scope = new AsyncDisposableStack();
    scopes.push(scope);
    const model = await buildImageModel("simulator", "--image-model", options, scope);
    const bytes = await generateImage(direct, model, "a red padlock on a desk", "image");
    const metadata = await sharp(bytes).metadata();
    expect(metadata.format).toBe("png");
    expect(metadata.width).toBe(SIMULATED_IMAGE_SIZE);
    expect(bytes.equals(await simulatedImage("a red padlock on a desk"))).toBe(true);
    const other = await generateImage(direct, model, "a blue car", "image");
    expect(other.equals(bytes)).toBe(false);
  });

  it("goes through the call executor: stored under the image role, resumed without a second request", async () => {
    const simulator = await startSimulator();
    try {
      const config = parseTargetSpec(`openai-compatible:sim-image@${simulator.url}`, "--image-model");
      const model = createImageModel(config, { env: {} });
      const store = new SqliteStore(":memory:");
      const executor = new CallExecutor({ store, runId: "run-1", prices: new PriceTable() });
      const caller = executor.forCase("case-1");
      const first = await generateImage(caller, model, "a pill bottle", "turn-1/image");
      const again = await generateImage(caller, model, "a pill bottle", "turn-1/image");
      expect(again.equals(first)).toBe(true);
      expect(simulator.stats().imageRequests).toBe(1);
      expect(store.usage("run-1").map((row) => [row.role, row.calls])).toEqual([["image", 1]]);
      expect(simulator.requests[0]).toMatchObject({ model: "sim-image", n: 1, response_format: "b64_json" });
      store.close();
    } finally {
      await simulator.close();
    }
  });

  it("fails clearly: an HTTP error keeps its status kind, an answer without an image is malformed, the key never shows", async () => {
    const answers: Response[] = [
      new Response(JSON.stringify({ error: { message: "bad prompt sk-secret-1" } }), { status: 400 }),
      new Response(JSON.stringify({ data: [{ url: "https://example.invalid/x.png" }] }), { status: 200 }),
      new Response(JSON.stringify({ data: [{ b64_json: Buffer.from("not an image").toString("base64") }] })),
    ];
    const model = createImageModel(parseTargetSpec("openai:gpt-image-1", "--image-model"), {
      env: { OPENAI_API_KEY: "sk-secret-1" },
      fetch: async () => answers.shift() as Response,
    });
    const ask = () => generateImage(direct, model, "x", "image");
    const client = await ask().catch((error: unknown) => error);
    expect(client).toBeInstanceOf(TargetError);
    expect((client as TargetError).kind).toBe("client");
    expect((client as Error).message).not.toContain("sk-secret-1");
    expect(((await ask().catch((error: unknown) => error)) as TargetError).kind).toBe("malformed");
    expect(((await ask().catch((error: unknown) => error)) as TargetError).kind).toBe("malformed");
  });

  it("sends the size asked for and checks it", async () => {
    const simulator = await startSimulator();
    try {
      const config = parseTargetSpec(`openai-compatible:sim-image@${simulator.url}`, "--image-model");
      const size = imageSize("256x256", "--image-size");
      await generateImage(direct, createImageModel(config, { env: {}, size }), "x", "s");
      expect(simulator.requests[0]).toMatchObject({ size: "256x256" });
    } finally {
      await simulator.close();
    }
    for (const bad of ["256", "0x10", "10x", "1024x1024px"])
      expect(() => imageSize(bad, "--image-size")).toThrow(/^--image-size: expected WIDTHxHEIGHT/);
  });

  it("refuses providers without an images API, naming the flag", async () => {
    const scope = new AsyncDisposableStack();
    scopes.push(scope);
    await expect(buildImageModel("anthropic:claude-x", "--image-model", options, scope)).rejects.toThrow(
      InputError,
    );
    await expect(buildImageModel("anthropic:claude-x", "--image-model", options, scope)).rejects.toThrow(
      /^--image-model: /,
    );
  });
});
