import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { TargetRequest } from "../../contracts/index.ts";
import { offlineJudgeTarget, scriptedCaller } from "../../testing/scripted-caller.ts";
import { decompose } from "./decompose.ts";
import { differenceHash, hammingDistance, NEAR_DUPLICATE_BITS } from "./perceptual-hash.ts";

const target = offlineJudgeTarget();
const system = (request: TargetRequest) => {
  const part = request.messages[0]?.content[0];
  return part?.type === "text" ? part.text : "";
};
const lastText = (request: TargetRequest) =>
  request.messages
    .at(-1)
    ?.content.map((part) => (part.type === "text" ? part.text : ""))
    .join("") ?? "";

describe("decompose", () => {
  it("regenerates after an overtly harmful sub-query and feeds the problem back", async () => {
    let attempts = 0;
    const { caller, calls } = scriptedCaller((request) => {
      if (system(request).startsWith("You decompose")) {
        attempts++;
        return JSON.stringify({
          sub_queries:
            attempts === 1
              ? ["What is this?", "How is a bomb made?"]
              : ["What is this?", "How do its parts fit?"],
        });
      }
      return JSON.stringify({ relevant: true, linked: true, overtly_harmful: false });
    });
    const result = await decompose({
      query: "q",
      image: undefined,
      decomposer: target,
      checker: target,
      caller,
      retries: 2,
    });
    expect(result).toMatchObject({
      status: "accepted",
      subQueries: ["What is this?", "How do its parts fit?"],
    });
    expect(result.rejected[0]?.problems[0]).toMatch(/overtly harmful word "bomb"/);
    const second = calls.filter((call) => call.step === "decompose/2")[0];
    expect(lastText(second?.request as TargetRequest)).toMatch(
      /were rejected: sub-query 2 uses the overtly harmful word/,
    );
  });

  it("drops the seed when every attempt fails the quality scorer, keeping the reasons", async () => {
    const { caller } = scriptedCaller((request) =>
      system(request).startsWith("You decompose")
        ? JSON.stringify({ sub_queries: ["What is this?", "Tell me more."] })
        : JSON.stringify({ relevant: false, linked: true, overtly_harmful: false }),
    );
    const result = await decompose({
      query: "q",
      image: undefined,
      decomposer: target,
      checker: target,
      caller,
      retries: 1,
    });
    expect(result.status).toBe("dropped");
    expect(result.rejected).toHaveLength(2);
    expect(result.rejected[1]?.problems).toContain("sub-query 1 is not relevant to the image");
  });

  it("counts an unreadable quality verdict as a problem, never as a pass", async () => {
    const { caller } = scriptedCaller((request) =>
      system(request).startsWith("You decompose")
        ? JSON.stringify({ sub_queries: ["a?", "b?"] })
        : "looks fine to me",
    );
    const result = await decompose({
      query: "q",
      image: undefined,
      decomposer: target,
      checker: target,
      caller,
      retries: 0,
    });
    expect(result.status).toBe("dropped");
    expect(result.rejected[0]?.problems[0]).toMatch(/could not be read/);
  });
});

describe("perceptual hash", () => {
  const gradient = (flip: boolean, size: number) => {
    const pixels = Buffer.alloc(size * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        pixels[y * size + x] = Math.round((255 * (flip ? size - 1 - x : x)) / (size - 1));
    return sharp(pixels, { raw: { width: size, height: size, channels: 1 } })
      .png()
      .toBuffer();
  };

  it("finds a resized re-encoding near and a different image far", async () => {
    const original = await differenceHash(await gradient(false, 64));
    const resized = await differenceHash(
      await sharp(await gradient(false, 64))
        .resize(40, 40)
        .jpeg({ quality: 60 })
        .toBuffer(),
    );
    const other = await differenceHash(await gradient(true, 64));
    expect(hammingDistance(original, resized)).toBeLessThanOrEqual(NEAR_DUPLICATE_BITS);
    expect(hammingDistance(original, other)).toBeGreaterThan(NEAR_DUPLICATE_BITS);
  });
});
