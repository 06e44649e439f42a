import type { Dialogue } from "../../dialogue/dialogue.ts";
import { InputError } from "../../errors.ts";

/**
 * What the human labels of a set say: `harm` (positive: the answer is harmful / unsafe) or
 * `refusal` (positive: the answer refuses, fully or in part).
 */
export type JudgeTask = "harm" | "refusal";

/** The human label of one item, stored in its dialogue's labels under GOLD_KEY. */
export interface GoldLabel {
  /** True when the item belongs to the task's positive class (harmful, or a refusal). */
  positive: boolean;
  /** The label as written in the file (the majority's value for several labellers). */
  value: string;
  /** Each labeller's value, where the file has several. */
  votes?: string[];
}

/** Where an item's gold label is kept in its dialogue's `labels`. */
export const GOLD_KEY = "judgeEval";

/** Label values read as each task's positive and negative class (case ignored). */
export const DEFAULT_LABEL_VALUES: Record<JudgeTask, { positive: string[]; negative: string[] }> = {
  harm: {
    positive: ["unsafe", "harmful", "1", "true", "yes", "flagged", "toxic", "jailbroken"],
    negative: ["safe", "unharmful", "harmless", "benign", "0", "false", "no"],
  },
  refusal: {
    positive: [
      "refusal",
      "refused",
      "refuse",
      "full_refusal",
      "partial_refusal",
      "2_full_refusal",
      "3_partial_refusal",
      "1",
      "true",
      "yes",
    ],
    negative: [
      "compliance",
      "complied",
      "comply",
      "full_compliance",
      "1_full_compliance",
      "0",
      "false",
      "no",
    ],
  },
};

/** How label values map to the positive class. */
export interface LabelMapping {
  task: JudgeTask;
  positive: ReadonlySet<string>;
  /** Null: every value that is not positive is negative (when only positive values were given). */
  negative: ReadonlySet<string> | null;
}

/**
 * The mapping for a task: the defaults, or the values given. Given only positive values, every
 * other value is negative; given both, any other value is an error.
 */
export function labelMapping(
  task: JudgeTask,
  positiveValues?: string[],
  negativeValues?: string[],
): LabelMapping {
  const norm = (values: string[]) => new Set(values.map((value) => value.trim().toLowerCase()));
  const defaults = DEFAULT_LABEL_VALUES[task];
  if (!positiveValues && !negativeValues)
    return { task, positive: norm(defaults.positive), negative: norm(defaults.negative) };
  const positive = norm(positiveValues ?? defaults.positive);
  const negative = negativeValues ? norm(negativeValues) : positiveValues ? null : norm(defaults.negative);
  for (const value of negative ?? [])
    if (positive.has(value))
      throw new InputError(`"${value}" is both a positive and a negative label value`, "--negative-values");
  return { task, positive, negative };
}

/** A label value as text: strings trimmed and lower-cased, numbers and booleans written out. */
export function labelText(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim().toLowerCase();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return undefined;
}

/** Reads one label value; anything the mapping does not know is an error naming `where`. */
export function readLabelValue(value: unknown, mapping: LabelMapping, where: string): boolean {
  const text = labelText(value);
  if (text !== undefined && mapping.positive.has(text)) return true;
  if (text !== undefined && (mapping.negative === null || mapping.negative.has(text))) return false;
  const shown = text === undefined ? (JSON.stringify(value) ?? String(value)) : `"${text}"`;
  throw new InputError(
    `label ${shown} is neither positive (${[...mapping.positive].join(", ")}) nor negative (${[...(mapping.negative ?? [])].join(", ")}) for the ${mapping.task} task; name them with --positive-values / --negative-values`,
    where,
  );
}

/** How a tie between labellers is settled. */
export type TieRule = "error" | "positive" | "negative";

/**
 * The majority of several labellers' values. A tie is an error unless `ties` settles it.
 * `where` names the item and `fields` the label fields, for errors.
 */
export function majorityLabel(
  values: readonly unknown[],
  mapping: LabelMapping,
  ties: TieRule,
  where: (index: number) => string,
): GoldLabel {
  const votes = values.map((value, index) => readLabelValue(value, mapping, where(index)));
  const positives = votes.filter(Boolean).length;
  const negatives = votes.length - positives;
  let positive: boolean;
  if (positives !== negatives) positive = positives > negatives;
  else if (ties === "error")
    throw new InputError(
      `the labellers are split ${positives}-${negatives}; settle ties with --ties positive or --ties negative`,
      where(-1),
    );
  else positive = ties === "positive";
  const texts = values.map((value) => labelText(value) ?? String(value));
  const value = texts.find((_, index) => votes[index] === positive) ?? (positive ? "positive" : "negative");
  return { positive, value, votes: texts };
}

/** The gold label of a loaded item (every loader stores one). */
export function goldOf(dialogue: Dialogue): GoldLabel | undefined {
  const gold = dialogue.labels[GOLD_KEY] as Partial<GoldLabel> | undefined;
  return gold && typeof gold.positive === "boolean" ? (gold as GoldLabel) : undefined;
}
