/**
 * Which patterns can match a text, and where, decided from its words. Every pattern here starts
 * at a word boundary, so it can only match where a word begins with one of its alternatives'
 * leading letters; it is then tried only there (a sticky match), not at every character.
 * Patterns whose alternatives do not start with plain letters are scanned in full.
 */
export interface PatternIndex<T> {
  candidates(normalised: string): Candidate<T>[];
}

/** An item worth trying on a text, with the word starts to try it at (null: scan everything). */
export interface Candidate<T> {
  item: T;
  sticky: RegExp;
  starts: number[] | null;
}

const PREFIX = 3;
// The key of every word that starts with a digit ("5 grams of").
const DIGIT = "#digit";
const WORD = /[a-z0-9]+/g;

/** Builds the index once for a fixed list of items with word-boundary patterns. */
export function buildPatternIndex<T extends { pattern: RegExp }>(items: readonly T[]): PatternIndex<T> {
  const byPrefix = new Map<string, number[]>();
  const always: number[] = [];
  const sticky = items.map((item) => new RegExp(item.pattern.source, "y"));
  items.forEach((item, position) => {
    const prefixes = leadingLiterals(item.pattern.source.replace(/^\\b\(\?:/, "").replace(/\)\\b$/, ""));
    if (prefixes === null) {
      always.push(position);
      return;
    }
    for (const prefix of new Set(
      prefixes.map((literal) => (literal === DIGIT ? DIGIT : literal.slice(0, PREFIX))),
    )) {
      const list = byPrefix.get(prefix) ?? [];
      list.push(position);
      byPrefix.set(prefix, list);
    }
  });
  return {
    candidates(normalised) {
      const starts = new Map<number, number[]>();
      const add = (list: readonly number[] | undefined, start: number) => {
        if (!list) return;
        for (const position of list) {
          const found = starts.get(position);
          if (!found) starts.set(position, [start]);
          else if (found[found.length - 1] !== start) found.push(start);
        }
      };
      for (const word of normalised.matchAll(WORD)) {
        add(byPrefix.get(word[0].slice(0, PREFIX)), word.index);
        const code = word[0].charCodeAt(0);
        if (code >= 48 && code <= 57) add(byPrefix.get(DIGIT), word.index);
      }
      const result: Candidate<T>[] = always.map((position) => ({
        item: items[position] as T,
        sticky: sticky[position] as RegExp,
        starts: null,
      }));
      for (const [position, list] of [...starts.entries()].sort((left, right) => left[0] - right[0]))
        result.push({ item: items[position] as T, sticky: sticky[position] as RegExp, starts: list });
      return result;
    },
  };
}

// The literal letters each top-level alternative must start with, or null when some
// alternative may start with something else (a class, an optional group, a short literal).
function leadingLiterals(source: string): string[] | null {
  const literals: string[] = [];
  for (const alternative of splitAlternatives(source)) {
    const found = leading(alternative);
    if (found === null) return null;
    literals.push(...found);
  }
  return literals;
}

function leading(alternative: string): string[] | null {
  if (alternative.startsWith("(?:")) {
    const end = closingParen(alternative, 0);
    if (end < 0) return null;
    const after = alternative[end + 1];
    const inner = leadingLiterals(alternative.slice(3, end));
    if (inner === null || after === "*" || after === "{") return null;
    if (after !== "?") return inner;
    // "(?:private )?phone number" starts with "private" or with "phone".
    const rest = leading(alternative.slice(end + 2));
    return rest === null ? null : [...inner, ...rest];
  }
  if (alternative.startsWith("[0-9]") || alternative.startsWith("\\d")) return [DIGIT];
  const match = /^[a-z0-9]+/.exec(alternative);
  if (!match) return null;
  let literal = match[0];
  const next = alternative[literal.length];
  if (next === "?" || next === "*" || next === "{") literal = literal.slice(0, -1);
  if (literal.length >= PREFIX) return [literal];
  // A short word that ends there ("go out like", "9/11") is its own key.
  const wordEnds = next === undefined || next === " " || next === "-" || next === "'" || next === "\\";
  return wordEnds && literal.length > 0 ? [literal] : null;
}

function splitAlternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let index = 0; index < source.length; index++) {
    const character = source[index];
    if (character === "\\") {
      index++;
      continue;
    }
    if (inClass) {
      if (character === "]") inClass = false;
      continue;
    }
    if (character === "[") inClass = true;
    else if (character === "(") depth++;
    else if (character === ")") depth--;
    else if (character === "|" && depth === 0) {
      parts.push(source.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

function closingParen(source: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let index = open; index < source.length; index++) {
    const character = source[index];
    if (character === "\\") {
      index++;
      continue;
    }
    if (inClass) {
      if (character === "]") inClass = false;
      continue;
    }
    if (character === "[") inClass = true;
    else if (character === "(") depth++;
    else if (character === ")" && --depth === 0) return index;
  }
  return -1;
}

/** Matches of a pattern: tried only at the given word starts when known, else anywhere. */
export function* matchesAt(
  text: string,
  pattern: RegExp,
  sticky: RegExp,
  starts: readonly number[] | null,
): Generator<RegExpExecArray> {
  if (starts === null) {
    pattern.lastIndex = 0;
    yield* text.matchAll(pattern);
    return;
  }
  let covered = -1;
  for (const start of starts) {
    if (start < covered) continue;
    sticky.lastIndex = start;
    const match = sticky.exec(text);
    if (!match) continue;
    covered = start + match[0].length;
    yield match;
  }
}
