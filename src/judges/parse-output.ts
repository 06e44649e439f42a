/**
 * Tolerant readers for what judge models write. Models wrap JSON in fences or tags, bold
 * their labels, reason before concluding and mention the scale they were given; these
 * helpers find the answer in all of that and return null, never a guess, when it is not there.
 */

/** A JSON object or array found in model output. */
export type JsonFound = Record<string, unknown> | unknown[];

const OUTPUT_TAG = /<output>([\s\S]*?)<\/output>/gi;
const FENCE = /```[ \t]*(?:json|jsonc|json5)?[ \t]*\r?\n?([\s\S]*?)```/gi;

/**
 * Finds the first JSON object or array in model output: the whole text, then
 * `<OUTPUT>...</OUTPUT>` tags, then ``` fences, then the first balanced `{...}` that parses.
 * Light repairs are tried (smart quotes, trailing commas, single-quoted keys and strings).
 */
export function extractJson(text: string): JsonFound | null {
  const whole = parseLenient(text);
  if (whole) return whole;
  for (const match of text.matchAll(OUTPUT_TAG)) {
    const inner = extractJson(match[1] ?? "");
    if (inner) return inner;
  }
  for (const match of text.matchAll(FENCE)) {
    const inner = parseLenient(match[1] ?? "");
    if (inner) return inner;
  }
  for (const candidate of balancedObjects(text)) {
    const parsed = parseLenient(candidate);
    if (parsed) return parsed;
  }
  return null;
}

/** Like extractJson, but only a plain object counts. */
export function extractJsonObject(text: string): Record<string, unknown> | null {
  const found = extractJson(text);
  return found && !Array.isArray(found) ? found : null;
}

function parseLenient(text: string): JsonFound | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return null;
  const attempts = [trimmed];
  const repaired = trimmed
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/,\s*([}\]])/g, "$1");
  attempts.push(repaired);
  // Python-style dicts: only safe to convert when no double quotes are in play.
  if (!repaired.includes('"')) attempts.push(repaired.replace(/'/g, '"'));
  for (const attempt of attempts) {
    try {
      const value: unknown = JSON.parse(attempt);
      if (value !== null && typeof value === "object") return value as JsonFound;
    } catch {
      // try the next repair
    }
  }
  return null;
}

// Each candidate costs a scan to its closing brace; bounding them keeps hostile text linear.
const MAX_CANDIDATES = 64;

/** Balanced `{...}` spans in order of their opening brace, skipping braces inside strings. */
function* balancedObjects(text: string): Generator<string> {
  let start = text.indexOf("{");
  for (let tried = 0; start !== -1 && tried < MAX_CANDIDATES; tried++) {
    const end = matchingBrace(text, start);
    if (end !== -1) yield text.slice(start, end + 1);
    start = text.indexOf("{", start + 1);
  }
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === "\\") index++;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"') quote = char;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return index;
  }
  return -1;
}

/** Keys under which judges put their categorical answer. */
const LABEL_KEYS = [
  "label",
  "verdict",
  "classification",
  "answer",
  "judgment",
  "judgement",
  "result",
  "rating",
];
const KEY_WORDS =
  "label|verdict|classification|final answer|final verdict|answer|judg(?:e)?ment|result|output|rating";
const KEYED_LINE = new RegExp(`(?:^|[\\s*#_>])(?:${KEY_WORDS})\\s*\\**\\s*[:=\\-–]\\s*(.+)`, "gi");

/**
 * Reads one of `labels` from model output. `exact`: the trimmed, lowercased text equals a
 * label. `tolerant`: also accepts JSON fields, markdown, quotes and punctuation, keyed lines
 * such as `Verdict: unsafe` (the last one wins, as models conclude at the end), a first or
 * last line that is only a label, and otherwise a label that is the only one to appear as a
 * whole word ("unsafe" never counts as "safe"). Returns the label as given, or null.
 */
export function parseLabel(
  text: string,
  labels: readonly string[],
  mode: "exact" | "tolerant",
): string | null {
  const byLowercase = new Map(labels.map((label) => [label.toLowerCase(), label]));
  const exact = byLowercase.get(text.trim().toLowerCase());
  if (exact !== undefined || mode === "exact") return exact ?? null;

  const json = extractJsonObject(text);
  if (json) {
    for (const key of LABEL_KEYS) {
      const field = json[key];
      if (typeof field === "string") {
        const found = parseLabel(field, labels, "tolerant");
        if (found !== null) return found;
      }
    }
  }
  const whole = byLowercase.get(normalise(text));
  if (whole !== undefined) return whole;

  const keyed = [...text.matchAll(KEYED_LINE)];
  for (const match of keyed.reverse()) {
    const found = onlyLabelIn(match[1] ?? "", labels);
    if (found !== null) return found;
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  for (const line of [lines[0], lines.at(-1)]) {
    const found = line === undefined ? undefined : byLowercase.get(normalise(line));
    if (found !== undefined) return found;
  }
  return onlyLabelIn(text, labels);
}

/** Lowercases and strips markdown, quotes, brackets and surrounding punctuation. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[*_`#>"'\u201c\u201d\u2018\u2019[\](){}]/g, "")
    .replace(/^[\s.:;,!?-]+|[\s.:;,!?-]+$/g, "")
    .replace(/\s+/g, " ");
}

/** The single label that appears as a whole word, longer labels claiming their words first. */
function onlyLabelIn(text: string, labels: readonly string[]): string | null {
  let rest = text.toLowerCase();
  const found = new Set<string>();
  for (const label of [...labels].sort((a, b) => b.length - a.length)) {
    const pattern = wordPattern(label);
    if (pattern.test(rest)) {
      found.add(label);
      rest = rest.replace(pattern, " ");
    }
  }
  return found.size === 1 ? ([...found][0] ?? null) : null;
}

const wordPatterns = new Map<string, RegExp>();

function wordPattern(label: string): RegExp {
  let pattern = wordPatterns.get(label);
  if (!pattern) {
    const escaped = label.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    pattern = new RegExp(`(?<![\\p{L}\\p{N}_-])${escaped}(?![\\p{L}\\p{N}_-])`, "gu");
    wordPatterns.set(label, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

const SCORE_KEYS = ["score", "rating", "value", "likert", "grade"];

/**
 * Reads a score in [min, max]: a JSON `score` (or rating/value) first, then `score: N`,
 * `N/max` or `N out of max`, then the first whole number in range, ignoring the scale itself
 * ("on a 1-5 scale"). Returns null when none is found.
 */
export function parseLikert(text: string, min: number, max: number): number | null {
  const inRange = (value: number) => Number.isFinite(value) && value >= min && value <= max;
  const json = extractJsonObject(text);
  if (json) {
    for (const key of SCORE_KEYS) {
      const field = json[key];
      const value =
        typeof field === "number" ? field : typeof field === "string" ? Number(field.trim()) : Number.NaN;
      if (inRange(value)) return value;
    }
  }
  const withoutScale = text.replace(new RegExp(`\\b${min}\\s*(?:-|–|to)\\s*${max}\\b`, "gi"), " ");
  const patterns = [
    /\b(?:score|rating|grade)\b\s*\**\s*(?:is|of|[:=])?\s*\**\s*(\d+(?:\.\d+)?)/gi,
    new RegExp(`\\b(\\d+(?:\\.\\d+)?)\\s*(?:/|out of)\\s*${max}\\b`, "gi"),
  ];
  for (const pattern of patterns) {
    for (const match of withoutScale.matchAll(pattern)) {
      const value = Number(match[1]);
      if (inRange(value)) return value;
    }
  }
  for (const match of withoutScale.matchAll(/(?<![\d.])\d+(?![\d.]*\d)/g)) {
    const value = Number(match[0]);
    if (inRange(value)) return value;
  }
  return null;
}
