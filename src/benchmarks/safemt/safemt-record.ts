import { z } from "zod";
import type { Dialogue, Message, Part } from "../../dialogue/dialogue.ts";

/** The source sets SafeMT draws its queries from, told apart by the id's prefix. */
export const SAFEMT_SOURCES = ["mm", "jbv", "beaver", "mllm"] as const;

const RoleSchema = z
  .string()
  .transform((role) => role.trim().toLowerCase())
  .pipe(z.enum(["user", "assistant"], { error: 'must be "user" or "assistant"' }));

// Real files hold empty user turns; some exports write them as null.
const TurnSchema = z
  .object({
    role: RoleSchema,
    content: z
      .union([z.string(), z.null()], { error: "must be a string" })
      .transform((content) => content ?? ""),
  })
  .loose();

/** The Hugging Face export stores the dialogue as a JSON string; the GitHub files as an array. */
const DialogueFieldSchema = z.preprocess(
  (value, context) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      context.addIssue({ code: "custom", message: "is a string but not valid JSON" });
      return z.NEVER;
    }
  },
  z.array(TurnSchema, { error: "must be a list of {role, content} (or that list as a JSON string)" }).min(1),
);

/** One SafeMT record in either published layout (GitHub `image_path`, Hugging Face `image_rel_path`). */
export const SafemtRecordSchema = z
  .object({
    id: z
      .union([z.string().trim().min(1), z.number()], { error: "must be a non-empty string" })
      .transform(String),
    scenario: z.string({ error: "must be a string" }).trim().min(1, "must not be empty"),
    image_path: z.string().trim().min(1).optional(),
    image_rel_path: z.string().trim().min(1).optional(),
    dialogue: DialogueFieldSchema,
    question: z.string({ error: "must be a string" }),
  })
  .loose()
  .superRefine((record, context) => {
    if (record.image_path === undefined && record.image_rel_path === undefined)
      context.addIssue({
        code: "custom",
        path: ["image_path"],
        message: "missing (the GitHub layout names it image_path, the Hugging Face one image_rel_path)",
      });
    const turns = record.dialogue;
    turns.forEach((turn, index) => {
      const expected = index % 2 === 0 ? "user" : "assistant";
      if (turn.role !== expected)
        context.addIssue({
          code: "custom",
          path: ["dialogue", index, "role"],
          message: `expected "${expected}": turns alternate user/assistant, starting with user`,
        });
    });
    if (turns.length > 0 && turns.at(-1)?.role !== "user")
      context.addIssue({
        code: "custom",
        path: ["dialogue"],
        message: "must end with a user turn (the one the model under test answers)",
      });
  });
export type SafemtRecord = z.infer<typeof SafemtRecordSchema>;

/** Which layout a record follows. */
export function recordLayout(record: SafemtRecord): "github" | "huggingface" {
  return record.image_rel_path !== undefined && record.image_path === undefined ? "huggingface" : "github";
}

/** The record's image path as written, relative to the data folder. */
export function recordImagePath(record: SafemtRecord): string {
  return record.image_path ?? record.image_rel_path ?? "";
}

/** Number of user turns in a record's dialogue. */
export function userTurns(record: SafemtRecord): number {
  let count = 0;
  for (const turn of record.dialogue) if (turn.role === "user") count++;
  return count;
}

/** The source set of a sample id (`mllm_economic_harm_1` -> `mllm`); `other` for unknown prefixes. */
export function sourceOf(sampleId: string): string {
  const prefix = sampleId.slice(0, sampleId.indexOf("_"));
  return (SAFEMT_SOURCES as readonly string[]).includes(prefix) ? prefix : "other";
}

/** The case id of a sample at a length: the same SafeMT id appears at every length. */
export function safemtCaseId(sampleId: string, length: number): string {
  return `${sampleId}@${length}`;
}

/** Splits a case id back into sample id and length; null when it is not one. */
export function parseSafemtCaseId(caseId: string): { sampleId: string; length: number } | null {
  const at = caseId.lastIndexOf("@");
  const length = Number(caseId.slice(at + 1));
  if (at <= 0 || !Number.isInteger(length) || length < 1) return null;
  return { sampleId: caseId.slice(0, at), length };
}

/** What was tidied while converting a record (counted by the loader, not stored per case). */
export interface RecordQuirks {
  emptyUserTurns: number;
  trimmedTurns: number;
  imageTokens: number;
}

// The released data removed most `<image>` placeholders (leaving "Given , how ..."); any left are
// stripped, since the image itself is attached to the first user message.
const IMAGE_TOKEN = /<image>/gi;
const HAS_IMAGE_TOKEN = /<image>/i;

/**
 * Converts a validated record into a canonical dialogue: the image part before the text on the
 * first user message, assistant turns kept as the static history, contents trimmed.
 */
export function recordToDialogue(
  record: SafemtRecord,
  length: number,
  imagePath: string,
  quirks: RecordQuirks,
): Dialogue {
  let firstUser = true;
  const messages: Message[] = record.dialogue.map((turn) => {
    let text = turn.content;
    if (HAS_IMAGE_TOKEN.test(text)) {
      quirks.imageTokens++;
      text = text.replace(IMAGE_TOKEN, "");
    }
    const trimmed = text.trim();
    if (trimmed !== turn.content) quirks.trimmedTurns++;
    if (turn.role === "user" && trimmed === "") quirks.emptyUserTurns++;
    if (turn.role === "user" && firstUser) {
      firstUser = false;
      const content: Part[] = [{ type: "image", image: { path: imagePath } }];
      if (trimmed !== "") content.push({ type: "text", text: trimmed });
      return { role: "user", content };
    }
    return { role: turn.role, content: [{ type: "text", text: trimmed }] };
  });
  return {
    version: 1,
    id: safemtCaseId(record.id, length),
    messages,
    labels: {},
    metadata: {
      sampleId: record.id,
      length,
      scenario: record.scenario,
      source: sourceOf(record.id),
      question: record.question.trim(),
    },
  };
}
