import type {
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3TextPart,
} from "@ai-sdk/provider";
import sharp from "sharp";
import type { TargetCapabilities } from "../contracts/index.ts";
import { type ImageRef, imagesOf, type Message, messageText } from "../dialogue/dialogue.ts";
import { FittedImageCache } from "../dialogue/fitted-images.ts";
import { describeImage, type LoadedImage, loadImage } from "../dialogue/image-ref.ts";
import type { FetchPolicy } from "../dialogue/safe-fetch.ts";
import { ImageError, TargetError } from "../errors.ts";

/** Where images come from while converting a dialogue. */
export interface ToModelPromptOptions {
  /** Resolves relative image paths. */
  baseDir?: string;
  /** Largest image file read (default 20 MiB). */
  maxImageBytes?: number;
  fetchPolicy?: FetchPolicy;
  signal?: AbortSignal;
}

/** The provider-level prompt for a dialogue, plus what was changed on the way. */
export interface ConvertedPrompt {
  prompt: LanguageModelV3Prompt;
  warnings: string[];
}

type UserPart = LanguageModelV3TextPart | LanguageModelV3FilePart;

/**
 * Turns canonical messages into the prompt a provider's language model takes (the AI SDK's
 * LanguageModelV3 prompt): roles and part order kept, images loaded only now and fitted to the
 * target's limits, sent as bytes. Images a target cannot take fail with
 * TargetError("unsupported") unless the target asked for text markers; an image is never
 * dropped without a trace. The result is what generateText would hand the provider for the same
 * messages (system text joined, empty text parts left out of multi-part turns).
 */
export async function toModelPrompt(
  messages: readonly Message[],
  capabilities: TargetCapabilities,
  options: ToModelPromptOptions = {},
): Promise<ConvertedPrompt> {
  const images = imagesOf(messages);
  const misplaced = images.find((entry) => messages[entry.messageIndex]?.role !== "user");
  if (misplaced !== undefined)
    throw new TargetError(
      "unsupported",
      `message ${misplaced.messageIndex} is a ${messages[misplaced.messageIndex]?.role} message with an image; ` +
        "only user messages carry images",
    );
  const useMarkers = !capabilities.vision && capabilities.imageFallback === "text-marker";
  const first = images[0];
  if (!capabilities.vision && !useMarkers && first !== undefined)
    throw new TargetError(
      "unsupported",
      `target does not accept images (vision is off) but message ${first.messageIndex} has one; ` +
        `set capabilities.imageFallback to "text-marker" to replace images with a note`,
    );
  if (!useMarkers && images.length > capabilities.maxImages)
    throw new TargetError(
      "unsupported",
      `dialogue has ${images.length} images but the target takes at most ${capabilities.maxImages} per request`,
    );

  // Text-only dialogues (most requests) are converted in one pass, without the bookkeeping that
  // images need: at hundreds of calls a second the per-part wrappers showed in the GC time.
  if (images.length === 0) return { prompt: messages.map(textOnlyMessage), warnings: [] };

  // Images load in parallel; text parts are converted in place without a promise each.
  type Converted = { part: UserPart; warning?: string };
  const pending: Promise<void>[] = [];
  const converted = messages.map((message, index) => {
    const parts: Converted[] = message.content.map((part, partIndex): Converted => {
      if (part.type === "text") return { part: { type: "text", text: part.text } };
      const name = describeImage(part.image);
      if (useMarkers)
        return {
          part: { type: "text", text: `[image omitted: ${name}]` },
          warning: `message ${index}: image ${name} replaced by a text marker (target has no vision)`,
        };
      pending.push(
        prepareImage(part.image, index, capabilities, options).then(({ image, warning }) => {
          parts[partIndex] = {
            part: { type: "file", data: image.bytes, mediaType: image.mediaType },
            warning,
          };
        }),
      );
      return { part: { type: "text", text: "" } };
    });
    return { message, parts };
  });
  await Promise.all(pending);
  // Collected per part, not pushed as loads finish, so the order is the dialogue's on every run.
  const warnings: string[] = [];
  for (const { parts } of converted)
    for (const { warning } of parts) if (warning !== undefined) warnings.push(warning);
  return {
    prompt: converted.map(({ message, parts }) =>
      buildMessage(
        message,
        parts.map((entry) => entry.part),
      ),
    ),
    warnings,
  };
}

function textOnlyMessage(message: Message): LanguageModelV3Message {
  const only = message.content.length === 1 ? message.content[0] : undefined;
  // The common case (one text part) without building the parts buildMessage would discard.
  if (message.role !== "system" && only?.type === "text")
    return { role: message.role, content: [{ type: "text", text: only.text }] };
  const parts: LanguageModelV3TextPart[] = [];
  for (const part of message.content) if (part.type === "text") parts.push({ type: "text", text: part.text });
  return buildMessage(message, parts);
}

function buildMessage(message: Message, parts: UserPart[]): LanguageModelV3Message {
  if (message.role === "system") return { role: "system", content: messageText(message) };
  // A lone part goes as it is (even empty text); in a longer turn empty text parts carry nothing.
  const content =
    parts.length === 1 ? parts : parts.filter((part) => part.type !== "text" || part.text !== "");
  if (message.role === "user") return { role: "user", content };
  // Images outside user turns were rejected up front, so only text reaches here.
  return {
    role: "assistant",
    content: content.filter((part): part is LanguageModelV3TextPart => part.type === "text"),
  };
}

async function prepareImage(
  ref: ImageRef,
  messageIndex: number,
  capabilities: TargetCapabilities,
  options: ToModelPromptOptions,
): Promise<{ image: LoadedImage; warning?: string }> {
  const name = describeImage(ref);
  try {
    const loaded = await loadImage(ref, {
      baseDir: options.baseDir,
      maxBytes: options.maxImageBytes,
      fetchPolicy: options.fetchPolicy,
      signal: options.signal,
    });
    const fitted = await fittedImages.fit(loaded, capabilities.imageLimits, describeChange);
    if (fitted.change === undefined) return { image: fitted.image };
    const warning = `message ${messageIndex}: image ${name} re-encoded to fit the target's limits (${fitted.change})`;
    return { image: fitted.image, warning };
  } catch (error) {
    if (error instanceof ImageError)
      throw new ImageError(`message ${messageIndex}: ${error.message}`, { cause: error.cause });
    throw error;
  }
}

/** Shared by every target in the process: fitting depends only on the image and the limits. */
const fittedImages = new FittedImageCache();

async function describeChange(before: LoadedImage, after: LoadedImage): Promise<string> {
  return `${await describeBytes(before)} -> ${await describeBytes(after)}`;
}

async function describeBytes(image: LoadedImage): Promise<string> {
  const metadata = await sharp(image.bytes).metadata();
  return `${metadata.width}x${metadata.height} ${image.mediaType} ${image.bytes.length} bytes`;
}
