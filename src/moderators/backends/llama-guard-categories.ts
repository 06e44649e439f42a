import type { Policy } from "../moderator.ts";
import { findDimension } from "../policy.ts";

/** One Llama Guard hazard category (MLCommons taxonomy) and the turnsafe dimension it counts as. */
export interface LlamaGuardCategory {
  code: string;
  name: string;
  /** The built-in dimension a flag in this category counts against. */
  dimension: string;
}

/**
 * Llama Guard's S1-S14 hazard categories and the built-in dimension each maps to. The mapping
 * follows what each hazard is about: crimes against people count as violence, crimes for gain
 * and intellectual property as illegal activity, sex crimes and child exploitation as sexual
 * content, harmful advice, defamation and election falsehoods as deception, and abuse of a code
 * interpreter as malicious disruption.
 */
export const LLAMA_GUARD_CATEGORIES: readonly LlamaGuardCategory[] = [
  { code: "S1", name: "Violent Crimes", dimension: "Violence & Harm" },
  { code: "S2", name: "Non-Violent Crimes", dimension: "Illegal Activities" },
  { code: "S3", name: "Sex Crimes", dimension: "Sexual Content" },
  { code: "S4", name: "Child Exploitation", dimension: "Sexual Content" },
  { code: "S5", name: "Defamation", dimension: "Deception & Misinformation" },
  { code: "S6", name: "Specialized Advice", dimension: "Deception & Misinformation" },
  { code: "S7", name: "Privacy", dimension: "Privacy Violation" },
  { code: "S8", name: "Intellectual Property", dimension: "Illegal Activities" },
  { code: "S9", name: "Indiscriminate Weapons", dimension: "Violence & Harm" },
  { code: "S10", name: "Hate", dimension: "Hate & Harassment" },
  { code: "S11", name: "Self-Harm", dimension: "Self-Harm & Suicide" },
  { code: "S12", name: "Sexual Content", dimension: "Sexual Content" },
  { code: "S13", name: "Elections", dimension: "Deception & Misinformation" },
  { code: "S14", name: "Code Interpreter Abuse", dimension: "Malicious Disruption" },
];

/** The category with this code (case ignored), if it is one of S1-S14. */
export function llamaGuardCategory(code: string): LlamaGuardCategory | undefined {
  const upper = code.trim().toUpperCase();
  return LLAMA_GUARD_CATEGORIES.find((category) => category.code === upper);
}

/** What a Llama Guard model answered: its rating and the category codes it listed. */
export interface LlamaGuardOutput {
  rating: "safe" | "unsafe";
  codes: string[];
}

// Chat templates sometimes leak special tokens (<|eot_id|>) into the text the server returns.
const SPECIAL_TOKEN = /<\|[^|>]*\|>/g;

/**
 * Reads `safe` or `unsafe` on the first non-empty line and, for unsafe, the category codes
 * (`S1,S10`) on the next line or after the word itself. Returns null for anything else.
 */
export function parseLlamaGuardOutput(text: string): LlamaGuardOutput | null {
  const lines = text
    .replace(SPECIAL_TOKEN, "\n")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const first = lines[0];
  if (first === undefined) return null;
  const match = /^[*_`"']*(safe|unsafe)\b[*_`"'.:]*\s*(.*)$/i.exec(first);
  if (!match) return null;
  const rating = (match[1] ?? "").toLowerCase() as LlamaGuardOutput["rating"];
  if (rating === "safe") return { rating, codes: [] };
  const rest = [match[2] ?? "", ...lines.slice(1)].join(",");
  const codes: string[] = [];
  for (const found of rest.matchAll(/\bS\s?(\d{1,2})\b/gi)) {
    const code = `S${Number(found[1])}`;
    if (!codes.includes(code)) codes.push(code);
  }
  return { rating, codes };
}

/** How Llama Guard's answer reads under a policy. */
export interface MappedLlamaGuardVerdict {
  rating: "safe" | "unsafe";
  /** The policy's dimension the first in-policy category maps to; null when safe or uncategorised. */
  dimension: string | null;
  /** Human-readable account of the codes and how each was counted. */
  explanation: string;
}

/**
 * Maps Llama Guard's codes onto a policy: a category counts only when the dimension it maps to
 * is in the policy, so flags for switched-off dimensions read as safe. An `unsafe` with no
 * recognisable code stays unsafe (with no dimension): it is never turned into safe.
 */
export function mapLlamaGuardOutput(output: LlamaGuardOutput, policy: Policy): MappedLlamaGuardVerdict {
  if (output.rating === "safe") return { rating: "safe", dimension: null, explanation: "rated safe" };
  const counted: string[] = [];
  const ignored: string[] = [];
  const unknown: string[] = [];
  let dimension: string | null = null;
  for (const code of output.codes) {
    const category = llamaGuardCategory(code);
    if (!category) {
      unknown.push(code);
      continue;
    }
    const inPolicy = findDimension(policy.dimensions, category.dimension);
    const label = `${category.code} ${category.name} -> ${category.dimension}`;
    if (inPolicy) {
      counted.push(label);
      dimension ??= inPolicy.name;
    } else ignored.push(label);
  }
  const notes: string[] = [];
  if (counted.length > 0) notes.push(`flagged ${counted.join("; ")}`);
  if (ignored.length > 0) notes.push(`not counted (dimension not in the policy): ${ignored.join("; ")}`);
  if (unknown.length > 0) notes.push(`unknown codes ignored: ${unknown.join(", ")}`);
  if (counted.length > 0) return { rating: "unsafe", dimension, explanation: notes.join(". ") };
  if (ignored.length > 0) return { rating: "safe", dimension: null, explanation: notes.join(". ") };
  notes.unshift("rated unsafe without a recognisable category, so no dimension can be named");
  return { rating: "unsafe", dimension: null, explanation: notes.join(". ") };
}
