import type { Dialogue } from "../../dialogue/dialogue.ts";
import type { PolicyDimension } from "../../moderators/moderator.ts";
import { BUILTIN_DIMENSIONS, findDimension } from "../../moderators/policy.ts";

/** The gold label of one side of a dialogue (the spec's rating, dimension and rationale). */
export interface SideLabel {
  rating: "safe" | "unsafe";
  /** The violated dimension for unsafe sides, when the data names one. */
  dimension: string | null;
  rationale: string | null;
}

/** Gold labels of both sides; a side is null when it has no turns (or is masked out). */
export interface ModerationLabels {
  user: SideLabel | null;
  assistant: SideLabel | null;
}

/** Where loaders put the gold labels in `Dialogue.labels`. */
export const MODERATION_LABELS_KEY = "moderation";
/** Where loaders put an item's own policy (an ordered list of dimension names) in `Dialogue.metadata`. */
export const ITEM_POLICY_KEY = "policy";

/** The gold labels a loader attached to a dialogue (both null when there are none). */
export function labelsOf(dialogue: Dialogue): ModerationLabels {
  const value = dialogue.labels[MODERATION_LABELS_KEY] as Partial<ModerationLabels> | undefined;
  return { user: value?.user ?? null, assistant: value?.assistant ?? null };
}

/** The item's own policy names, if the data gave one. */
export function itemPolicyOf(dialogue: Dialogue): string[] | undefined {
  const value = dialogue.metadata[ITEM_POLICY_KEY];
  return Array.isArray(value) && value.every((name) => typeof name === "string") ? value : undefined;
}

const NULL_WORDS = /^\s*(?:null|none|n\/?a|-|)\s*$/i;

/**
 * Reads a rating: "Safe"/"Unsafe" in any case (also "harmful"/"unharmful", booleans meaning
 * unsafe, 0/1). Returns null for a null side ("null", "", null) and undefined when unreadable.
 */
export function readRating(value: unknown): "safe" | "unsafe" | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? "unsafe" : "safe";
  if (typeof value === "number") return value === 1 ? "unsafe" : value === 0 ? "safe" : undefined;
  if (typeof value !== "string") return undefined;
  if (NULL_WORDS.test(value)) return null;
  const word = value.trim().toLowerCase();
  if (["unsafe", "harmful", "flagged", "violating"].includes(word)) return "unsafe";
  if (["safe", "unharmful", "benign", "harmless"].includes(word)) return "safe";
  return undefined;
}

/**
 * Reads a dimension label: "NA: None applying" and null words give null; "O3: Sexual Content"
 * and "Sexual Content" give the dimension's canonical name; a bare code ("O3") is read against
 * the item's policy order. Unknown names are kept as written (custom dimensions).
 */
export function readDimension(value: unknown, policyOrder: readonly PolicyDimension[]): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  if (NULL_WORDS.test(trimmed) || /^na\b/i.test(trimmed) || /^none\b/i.test(trimmed)) return null;
  const coded = /^O(\d+)\s*(?:[:.\-–)]\s*(.*))?$/i.exec(trimmed);
  const name = coded ? (coded[2] ?? "").trim() : trimmed;
  if (coded && name === "") return policyOrder[Number(coded[1]) - 1]?.name ?? trimmed;
  return findDimension(policyOrder, name)?.name ?? findDimension(BUILTIN_DIMENSIONS, name)?.name ?? name;
}

/** Case- and spacing-insensitive comparison of dimension names. */
export function sameDimension(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const key = (name: string) => name.trim().toLowerCase().replace(/\s+/g, " ");
  return key(a) === key(b);
}
