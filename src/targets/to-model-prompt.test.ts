import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type {
  LanguageModelV3FilePart,
  LanguageModelV3Prompt,
  LanguageModelV3TextPart,
} from "@ai-sdk/provider";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../dialogue/dialogue.ts";
import { ImageError, TargetError } from "../errors.ts";
import { resolveCapabilities } from "./provider-limits.ts";
import { toModelPrompt } from "./to-model-prompt.ts";

let imageDir: string;
let pngBase64: string;
let gifBytes: Buffer;

beforeAll(async () => {
  imageDir = await mkdtemp(path.join(tmpdir(), "turnsafe-messages-"));
  const png = await sharp({ create: { width: 32, height: 16, channels: 3, background: "#00aa00" } })
    .png()
    .toBuffer();
  pngBase64 = png.toString("base64");
  gifBytes = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#aa00aa" } })
    .gif()
    .toBuffer();
  await writeFile(path.join(imageDir, "photo.png"), png);
  await writeFile(path.join(imageDir, "anim.gif"), gifBytes);
});

afterAll(async () => {
  await rm(imageDir, { recursive: true, force: true });
});

type Part = LanguageModelV3TextPart | LanguageModelV3FilePart;
const userWith = (...content: Message["content"]): Message => ({ role: "user", content });

describe("toModelPrompt", () => {
  it("keeps roles, order and part order; joins system text", async () => {
    const messages: Message[] = [
      {
        role: "system",
        content: [
          { type: "text", text: "rule one" },
          { type: "text", text: "rule two" },
        ],
      },
      userWith({ type: "image", image: { path: "photo.png" } }, { type: "text", text: "describe" }),
      { role: "assistant", content: [{ type: "text", text: "green" }] },
      userWith({ type: "text", text: "and" }, { type: "image", image: { base64: pngBase64 } }),
    ];
    const { prompt: converted, warnings } = await toModelPrompt(messages, resolveCapabilities("openai"), {
      baseDir: imageDir,
    });
    expect(warnings).toEqual([]);
    expect(converted.map((message) => message.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(converted[0]?.content).toBe("rule one\nrule two");
    const first = converted[1]?.content as Part[];
    expect(first.map((part) => part.type)).toEqual(["file", "text"]);
    expect((first[0] as LanguageModelV3FilePart).mediaType).toBe("image/png");
    expect(Buffer.from((first[0] as LanguageModelV3FilePart).data as Uint8Array).toString("base64")).toBe(
      pngBase64,
    );
    expect(converted[2]).toEqual({ role: "assistant", content: [{ type: "text", text: "green" }] });
    const last = converted[3]?.content as Part[];
    expect(last.map((part) => part.type)).toEqual(["text", "file"]);
  });

  it("converts text-only dialogues the same way, with or without a vision target", async () => {
    const messages: Message[] = [
      {
        role: "system",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
      userWith({ type: "text", text: "one" }),
      {
        role: "assistant",
        content: [
          { type: "text", text: "two" },
          { type: "text", text: "three" },
        ],
      },
      userWith({ type: "text", text: "four" }, { type: "text", text: "" }, { type: "text", text: "five" }),
      userWith({ type: "text", text: "" }),
      { role: "assistant", content: [] },
    ];
    // As generateText hands them to the provider: lone parts kept even when empty, empty text
    // parts left out of longer turns.
    const expected: LanguageModelV3Prompt = [
      { role: "system", content: "a\nb" },
      { role: "user", content: [{ type: "text", text: "one" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "two" },
          { type: "text", text: "three" },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "four" },
          { type: "text", text: "five" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "" }] },
      { role: "assistant", content: [] },
    ];
    for (const capabilities of [
      resolveCapabilities("openai"),
      { ...resolveCapabilities("openai"), vision: false },
    ])
      expect(await toModelPrompt(messages, capabilities)).toEqual({ prompt: expected, warnings: [] });
  });

  it("re-encodes a format the provider does not take, with a warning", async () => {
    const { prompt, warnings } = await toModelPrompt(
      [userWith({ type: "image", image: { path: "anim.gif" } })],
      resolveCapabilities("google"),
      { baseDir: imageDir },
    );
    const part = (prompt[0]?.content as Part[] | undefined)?.[0] as LanguageModelV3FilePart | undefined;
    expect(part?.mediaType).toBe("image/jpeg");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^message 0: image anim\.gif re-encoded .*image\/gif .* -> .*image\/jpeg/);
  });

  it("applies configured limits", async () => {
    const capabilities = resolveCapabilities("openai-compatible", { maxImageDimension: 8 });
    const { prompt, warnings } = await toModelPrompt(
      [userWith({ type: "image", image: { path: "photo.png" } })],
      capabilities,
      { baseDir: imageDir },
    );
    const part = (prompt[0]?.content as Part[] | undefined)?.[0] as LanguageModelV3FilePart;
    const metadata = await sharp(part.data as Uint8Array).metadata();
    expect(Math.max(metadata.width ?? 0, metadata.height ?? 0)).toBe(8);
    expect(warnings).toHaveLength(1);
  });

  it("fails without vision, naming the first message with an image", async () => {
    const messages = [
      userWith({ type: "text", text: "hi" }),
      userWith({ type: "image", image: { path: "x.png" } }),
    ];
    const capabilities = resolveCapabilities("openai", { vision: false });
    const error = await toModelPrompt(messages, capabilities).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TargetError);
    expect((error as TargetError).kind).toBe("unsupported");
    expect((error as TargetError).message).toContain("message 1");
  });

  it("replaces images with markers without loading them when asked to", async () => {
    const capabilities = resolveCapabilities("openai", {
      vision: false,
      imageFallback: "text-marker",
      maxImages: 0,
    });
    const { prompt, warnings } = await toModelPrompt(
      [userWith({ type: "image", image: { path: "missing.png" } }, { type: "text", text: "what?" })],
      capabilities,
    );
    expect(prompt[0]?.content).toEqual([
      { type: "text", text: "[image omitted: missing.png]" },
      { type: "text", text: "what?" },
    ]);
    expect(warnings).toEqual([
      "message 0: image missing.png replaced by a text marker (target has no vision)",
    ]);
  });

  it("refuses more images than allowed, and allows exactly the limit", async () => {
    const two = [
      userWith(
        { type: "image", image: { path: "photo.png" } },
        { type: "image", image: { path: "photo.png" } },
      ),
    ];
    const error = await toModelPrompt(two, resolveCapabilities("openai", { maxImages: 1 })).catch(
      (caught) => caught,
    );
    expect((error as TargetError).kind).toBe("unsupported");
    const ok = await toModelPrompt(two, resolveCapabilities("openai", { maxImages: 2 }), {
      baseDir: imageDir,
    });
    expect(ok.prompt[0]?.content).toHaveLength(2);
  });

  it("rejects images outside user turns instead of dropping them", async () => {
    const messages = [
      { role: "assistant", content: [{ type: "image", image: { path: "photo.png" } }] },
    ] as Message[];
    const error = await toModelPrompt(messages, resolveCapabilities("openai")).catch((caught) => caught);
    expect((error as TargetError).kind).toBe("unsupported");
  });

  it("names the message when an image cannot be loaded", async () => {
    const error = await toModelPrompt(
      [userWith({ type: "text", text: "a" }), userWith({ type: "image", image: { path: "nowhere.png" } })],
      resolveCapabilities("anthropic"),
      { baseDir: imageDir },
    ).catch((caught) => caught);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).message).toMatch(/^message 1: .*not found/);
  });
});
