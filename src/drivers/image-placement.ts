import type { ImagePart, Message, Part } from "../dialogue/dialogue.ts";

/**
 * Where a live conversation's images go in each request.
 * - `as-given`: messages are sent as the dialogue holds them.
 * - `reference`: every image of the dialogue is attached to the latest user message of each
 *   call and removed from earlier ones, so it is re-sent once per call (MTMCS reference protocol).
 * - `every-turn`: every user message of the request carries the images (one copy per turn).
 * - `first-message-only`: the images ride on the first user message only and stay there in
 *   the history of later calls.
 */
export const IMAGE_PLACEMENTS = ["as-given", "reference", "every-turn", "first-message-only"] as const;
export type ImagePlacement = (typeof IMAGE_PLACEMENTS)[number];

/**
 * Lays out the images of a request according to `placement`. Images keep their order of first
 * appearance; duplicates (the same reference twice) are sent once per message. Images go before
 * the text of the message they join, as vision models are usually trained on that order.
 */
export function placeImages(messages: readonly Message[], placement: ImagePlacement): Message[] {
  if (placement === "as-given") return messages.map((message) => ({ ...message }));
  const images = distinctImages(messages);
  const userIndices = messages.flatMap((message, index) => (message.role === "user" ? [index] : []));
  const first = userIndices[0];
  const last = userIndices.at(-1);
  return messages.map((message, index) => {
    if (message.role !== "user") return message;
    const textOnly = message.content.filter((part) => part.type !== "image");
    const carries =
      placement === "every-turn" ||
      (placement === "reference" && index === last) ||
      (placement === "first-message-only" && index === first);
    return { role: message.role, content: carries ? [...images, ...textOnly] : textOnly };
  });
}

function distinctImages(messages: readonly Message[]): ImagePart[] {
  const seen = new Set<string>();
  const images: ImagePart[] = [];
  for (const message of messages)
    for (const part of message.content as Part[]) {
      if (part.type !== "image") continue;
      const key = JSON.stringify([part.image.path, part.image.url, part.image.sha256 ?? part.image.base64]);
      if (seen.has(key)) continue;
      seen.add(key);
      images.push(part);
    }
  return images;
}
