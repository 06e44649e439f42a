import type { ImageRef } from "../../dialogue/dialogue.ts";
import { sha256Hex, sniffMediaType } from "../../dialogue/image-ref.ts";
import { safeFetch } from "../../dialogue/safe-fetch.ts";
import { ImageError, InputError } from "../../errors.ts";
import type { ImageUrlOptions } from "./openai-chat-request.ts";

const DATA_URL = /^data:(image\/[\w.+-]+);base64,(.*)$/s;

/** Decodes a data URL, or fetches an http(s) URL and rewrites `holder.url` to the fetched bytes. */
export async function readImageUrl(
  holder: Record<string, unknown>,
  where: string,
  options: ImageUrlOptions,
): Promise<ImageRef> {
  const url = holder.url as string;
  if (url.startsWith("data:")) {
    const match = DATA_URL.exec(url);
    if (!match?.[1] || !match[2]) throw new InputError("data URLs must be base64 image/* data", where);
    const bytes = Buffer.from(match[2], "base64");
    if (bytes.length === 0) throw new InputError("the image is empty", where);
    return { base64: match[2], mediaType: sniffMediaType(bytes) ?? match[1], sha256: sha256Hex(bytes) };
  }
  if (!/^https?:\/\//i.test(url))
    throw new InputError("must be an http(s) URL or a base64 data:image/... URL", where);
  if (!options.fetchImages)
    throw new InputError(
      "this guard does not fetch image URLs; send the image inline as a base64 data: URL",
      where,
    );
  let fetched: { bytes: Buffer; contentType: string | undefined };
  try {
    fetched = await safeFetch(url, { ...options.fetchPolicy, allow: true }, options.signal);
  } catch (error) {
    if (error instanceof ImageError) throw new InputError(`image URL refused: ${error.message}`, where);
    throw error;
  }
  if (fetched.bytes.length === 0) throw new InputError("the fetched image is empty", where);
  const mediaType = sniffMediaType(fetched.bytes) ?? fetched.contentType?.split(";")[0]?.trim();
  if (!mediaType?.startsWith("image/")) throw new InputError("the URL did not return an image", where);
  const base64 = fetched.bytes.toString("base64");
  holder.url = `data:${mediaType};base64,${base64}`;
  return { base64, mediaType, sha256: sha256Hex(fetched.bytes) };
}
