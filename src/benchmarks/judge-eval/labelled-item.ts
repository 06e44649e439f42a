import type { Dialogue, Message } from "../../dialogue/dialogue.ts";
import { GOLD_KEY, type GoldLabel, type LabelMapping, type TieRule } from "./gold-labels.ts";

/** How a labelled set is read (see read-labelled-set.ts for the layouts). */
export interface LabelledSetOptions {
  /** `auto` (default): by extension and content. */
  format?: "auto" | "jsonl" | "csv" | "behaviours";
  mapping: LabelMapping;
  /** Column (field) of the request; column layouts and behaviour-keyed JSON. */
  promptCol?: string;
  /** Column (field) of the answer under judgement. */
  responseCol?: string;
  /** Column (field) of the human label. */
  labelCol?: string;
  /** Column (field) of the item's category (per-category figures). */
  categoryCol?: string;
  /** Column (field) of a row id (default `id` when present, else `row-<n>`). */
  idCol?: string;
  /** Behaviour-keyed JSON: the fields holding each labeller's value (default: `human_0`, `human_1`, ...). */
  labelFields?: string[];
  /** How a tie between labellers is settled (default: an error). */
  ties?: TieRule;
}

/** A loaded item: the conversation ending with the answer under judgement, its gold label and category. */
export function labelledItem(item: {
  id: string;
  messages: Message[];
  gold: GoldLabel;
  category?: string | null;
  metadata?: Record<string, unknown>;
}): Dialogue {
  const metadata: Record<string, unknown> = { ...item.metadata };
  if (item.category) metadata.category = item.category;
  return { version: 1, id: item.id, messages: item.messages, labels: { [GOLD_KEY]: item.gold }, metadata };
}

/** A request and its answer as a two-message conversation. */
export function promptAndAnswer(prompt: string, answer: string): Message[] {
  return [
    { role: "user", content: [{ type: "text", text: prompt }] },
    { role: "assistant", content: [{ type: "text", text: answer }] },
  ];
}

/** Ids made unique in file order: a repeated id gets `#2`, `#3`, ... */
export class UniqueIds {
  readonly #seen = new Map<string, number>();
  take(id: string): string {
    const repeats = this.#seen.get(id) ?? 0;
    this.#seen.set(id, repeats + 1);
    return repeats > 0 ? `${id}#${repeats + 1}` : id;
  }
}
