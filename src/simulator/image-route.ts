import { createHash } from "node:crypto";
import sharp from "sharp";
import { invalidRequestBody, SIMULATOR_FINGERPRINT } from "./wire-format.ts";

/** Side of the square PNG the simulator's images route draws (small: tests stay fast). */
export const SIMULATED_IMAGE_SIZE = 32;

/** A validated `POST /v1/images/generations` body, or why it is not one. */
export type ImageRequestView =
  | { prompt: string; model: string; n: number; responseFormat: string }
  | { message: string; param: string | null };

/** Reads an OpenAI images request: a non-empty prompt; n 1-4; b64_json answers only. */
export function readImageRequest(body: unknown): ImageRequestView {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { message: "the request body must be a JSON object", param: null };
  const { prompt, model, n, response_format: format } = body as Record<string, unknown>;
  if (typeof prompt !== "string" || prompt.trim() === "")
    return { message: "prompt must be a non-empty string", param: "prompt" };
  if (n !== undefined && (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 4))
    return { message: "n must be a whole number from 1 to 4", param: "n" };
  if (format !== undefined && format !== "b64_json")
    return { message: "the simulator answers response_format b64_json only", param: "response_format" };
  return {
    prompt,
    model: typeof model === "string" ? model : "turnsafe-sim-image",
    n: typeof n === "number" ? n : 1,
    responseFormat: "b64_json",
  };
}

/**
 * A small PNG drawn from the prompt alone (no model, no network): a 4 x 4 grid of blocks coloured
 * from the prompt's hash, so the same prompt always gives the same bytes, and another prompt
 * other bytes and (almost always) another perceptual hash.
 */
export async function simulatedImage(prompt: string, index = 0): Promise<Buffer> {
  const hash = createHash("sha512").update(`${index}:${prompt}`).digest();
  const size = SIMULATED_IMAGE_SIZE;
  const block = size / 4;
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const offset = (y * size + x) * 3;
      const base = (Math.floor(y / block) * 4 + Math.floor(x / block)) * 3;
      pixels[offset] = hash[base] as number;
      pixels[offset + 1] = hash[base + 1] as number;
      pixels[offset + 2] = hash[base + 2] as number;
    }
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

/** The images API's answer for a valid request: `{created, data: [{b64_json, revised_prompt}]}`. */
export async function imagesBody(request: { prompt: string; n: number }): Promise<string> {
  const data = [];
  for (let index = 0; index < request.n; index++)
    data.push({
      b64_json: (await simulatedImage(request.prompt, index)).toString("base64"),
      revised_prompt: request.prompt,
    });
  return JSON.stringify({
    created: Math.floor(Date.now() / 1000),
    data,
    system_fingerprint: SIMULATOR_FINGERPRINT,
  });
}

/** The 400 answer for an invalid images request. */
export function invalidImageRequest(view: { message: string; param: string | null }): string {
  return invalidRequestBody(view.message, view.param);
}
