import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { SAMPLE_PNG_DATA_URI } from "../testing/sample-report-data.ts";
import { toTurnViews } from "./case-view.ts";

describe("report turn views", () => {
  it("keep a larger copy of an image bigger than its thumbnail, for reading typographic text on click", async () => {
    const big = await sharp({ create: { width: 800, height: 300, channels: 3, background: "#ffffff" } })
      .png()
      .toBuffer();
    const [turn] = await toTurnViews(
      [
        {
          role: "user",
          content: [
            { type: "image", image: { base64: big.toString("base64"), mediaType: "image/png" } },
            { type: "image", image: { url: SAMPLE_PNG_DATA_URI } },
          ],
        },
      ],
      undefined,
    );
    const [large, small] = turn?.images ?? [];
    const size = async (uri: string | undefined) =>
      sharp(Buffer.from((uri ?? "").split(",")[1] ?? "", "base64")).metadata();
    expect((await size(large?.dataUri)).width).toBe(160);
    expect((await size(large?.fullDataUri)).width).toBe(800);
    // An image no bigger than a thumbnail has nothing more to show.
    expect(small?.dataUri).toMatch(/^data:image\/jpeg;base64,/);
    expect(small?.fullDataUri).toBeUndefined();
  });
});
