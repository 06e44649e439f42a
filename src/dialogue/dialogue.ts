import { z } from "zod";

/** Version of the canonical dialogue format written to files and the store. */
export const DIALOGUE_FORMAT_VERSION = 1;

/**
 * A reference to an image: a file path, an http(s) URL or inline base64 bytes.
 * Bytes are loaded lazily (see image-ref.ts); `sha256` is filled in once known.
 */
export const ImageRefSchema = z
  .object({
    path: z.string().min(1).optional(),
    url: z.url().optional(),
    base64: z.string().min(1).optional(),
    mediaType: z
      .string()
      .regex(/^image\/[\w.+-]+$/, "must look like image/png")
      .optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters")
      .optional(),
  })
  .strict()
  .refine((ref) => [ref.path, ref.url, ref.base64].filter((value) => value !== undefined).length === 1, {
    message: "an image needs exactly one of path, url or base64",
  });
export type ImageRef = z.infer<typeof ImageRefSchema>;

export const TextPartSchema = z.object({ type: z.literal("text"), text: z.string() }).strict();
export const ImagePartSchema = z.object({ type: z.literal("image"), image: ImageRefSchema }).strict();
export const PartSchema = z.discriminatedUnion("type", [TextPartSchema, ImagePartSchema]);
export type TextPart = z.infer<typeof TextPartSchema>;
export type ImagePart = z.infer<typeof ImagePartSchema>;
export type Part = z.infer<typeof PartSchema>;

export const RoleSchema = z.enum(["system", "user", "assistant"]);
export type Role = z.infer<typeof RoleSchema>;

/** A message; `content` may be a plain string as shorthand for one text part. */
export const MessageSchema = z
  .object({
    role: RoleSchema,
    content: z.union([z.string().transform((text): Part[] => [{ type: "text", text }]), z.array(PartSchema)]),
  })
  .strict()
  .superRefine((message, context) => {
    if (message.role !== "user" && message.content.some((part) => part.type === "image")) {
      context.addIssue({ code: "custom", message: `${message.role} messages cannot carry images` });
    }
  });
export type Message = { role: Role; content: Part[] };

/** The one conversation value every part of turnsafe passes around. */
export const DialogueSchema = z
  .object({
    version: z.literal(DIALOGUE_FORMAT_VERSION).default(DIALOGUE_FORMAT_VERSION),
    id: z.string().min(1),
    messages: z.array(MessageSchema).min(1),
    /** `expected` (refuse / comply) drives the missed-risk and over-refusal table; other keys are free. */
    labels: z
      .object({ expected: z.enum(["refuse", "comply"]).optional() })
      .catchall(z.unknown())
      .default({}),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type Dialogue = {
  version: typeof DIALOGUE_FORMAT_VERSION;
  id: string;
  messages: Message[];
  labels: Record<string, unknown>;
  metadata: Record<string, unknown>;
};

/** Builds a text part. */
export function text(value: string): TextPart {
  return { type: "text", text: value };
}

/** Concatenates the text parts of a message. */
export function messageText(message: Message): string {
  let out = "";
  for (const part of message.content) if (part.type === "text") out += out ? `\n${part.text}` : part.text;
  return out;
}

/** Number of user messages in a dialogue. */
export function userTurnCount(messages: readonly Message[]): number {
  let count = 0;
  for (const message of messages) if (message.role === "user") count++;
  return count;
}

/** Every image part in order, with the index of the message that carries it. */
export function imagesOf(messages: readonly Message[]): { messageIndex: number; image: ImageRef }[] {
  const found: { messageIndex: number; image: ImageRef }[] = [];
  messages.forEach((message, messageIndex) => {
    for (const part of message.content)
      if (part.type === "image") found.push({ messageIndex, image: part.image });
  });
  return found;
}
