import { z } from "zod";
import { type Dialogue, type Message, MessageSchema } from "../../dialogue/dialogue.ts";
import { readJsonl } from "../../dialogue/jsonl.ts";
import { InputError } from "../../errors.ts";
import { readLabelValue } from "./gold-labels.ts";
import { type LabelledSetOptions, labelledItem, UniqueIds } from "./labelled-item.ts";

/** A line of the generic labelled JSONL: a conversation ending with the answer under judgement. */
const LabelledDialogueSchema = z.looseObject({
  id: z.union([z.string().min(1), z.number()]).optional(),
  messages: z.array(MessageSchema).min(2),
  label: z.union([z.string(), z.number(), z.boolean()]),
  category: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Reads the generic labelled JSONL, one `{id?, messages, label, category?, metadata?}` a line
 * (messages as in turnsafe's dialogue format, content a string or parts, images included). The
 * last message must be the assistant's answer under judgement. Other fields go to metadata.
 * Errors name the file, line and field.
 */
export async function* readLabelledDialogues(
  file: string,
  options: LabelledSetOptions,
): AsyncGenerator<Dialogue> {
  const ids = new UniqueIds();
  let count = 0;
  for await (const { line, value } of readJsonl(file, LabelledDialogueSchema)) {
    count++;
    const where = `${file}:${line}`;
    const messages = value.messages as Message[];
    const last = messages.at(-1);
    if (last?.role !== "assistant")
      throw new InputError(
        `the last message must be the assistant's answer under judgement (found ${last?.role})`,
        `${where}: messages.${messages.length - 1}.role`,
      );
    if (!messages.some((message) => message.role === "user"))
      throw new InputError("there is no user message before the answer", `${where}: messages`);
    const positive = readLabelValue(value.label, options.mapping, `${where}: label`);
    const { id, messages: _m, label, category, metadata, ...rest } = value;
    yield labelledItem({
      id: ids.take(id === undefined ? `row-${count}` : String(id)),
      messages,
      gold: { positive, value: String(label) },
      category: category ?? null,
      metadata: { ...rest, ...metadata },
    });
  }
  if (count === 0) throw new InputError("no items in the file (it is empty)", file);
}
