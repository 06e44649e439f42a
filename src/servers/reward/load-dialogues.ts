import path from "node:path";
import type { Message } from "../../dialogue/dialogue.ts";
import { readDialogues } from "../../dialogue/jsonl.ts";
import { InputError } from "../../errors.ts";

/**
 * Reads a turnsafe dialogue JSONL file (such as `am3 export --format mmds`'s dialogues) into
 * messages by dialogue id, image paths made absolute against the file's folder, so compat
 * routes can attach a dialogue's images to rollouts that name it.
 */
export async function loadDialogueImages(file: string): Promise<Map<string, Message[]>> {
  const folder = path.dirname(path.resolve(file));
  const dialogues = new Map<string, Message[]>();
  for await (const dialogue of readDialogues(file)) {
    if (dialogues.has(dialogue.id))
      throw new InputError(`dialogue id ${JSON.stringify(dialogue.id)} appears twice`, file);
    dialogues.set(
      dialogue.id,
      dialogue.messages.map((message) => ({
        role: message.role,
        content: message.content.map((part) =>
          part.type === "image" && part.image.path !== undefined
            ? { type: "image", image: { ...part.image, path: path.resolve(folder, part.image.path) } }
            : part,
        ),
      })),
    );
  }
  if (dialogues.size === 0) throw new InputError("no dialogues in the file", file);
  return dialogues;
}
