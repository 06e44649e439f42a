/**
 * Readers for the intent-recognition answers. The reference rule for MCQ is "the first
 * character if it is a letter, else the first letter A-G found"; read literally it turns
 * "The answer is (C)." into "T", so turnsafe reads "letter" as a standalone letter token:
 * 1. the answer's first token (markdown, brackets and quotes stripped) when it is one option letter
 *    not followed by a lower-case word (so "A good question..." is read as the article);
 * 2. else the letter after an answer cue ("answer is C", "Answer: b", "option (D)");
 * 3. else the single distinct standalone capital A-G in the text.
 * Several different candidate letters with no cue ("A or B") read as unparsed, never a guess.
 * True/false answers must start with true or false (after markdown and quotes), as in the reference.
 */

const DECORATION = /^[\s*_`#>"'\u201c\u201d\u2018\u2019([{]+/;
const CUE =
  /\b(?:answer|option|choice|letter)\b(?:\s+(?:is|would be|should be|=))?\s*[:\-–]?\s*[*_`"'([]*([A-Ga-g])(?![A-Za-z])/i;

/** The option letter of an MCQ answer (upper case, within the first `optionCount` letters), or null. */
export function parseChoiceAnswer(text: string, optionCount = 7): string | null {
  const allowed = (letter: string | undefined): string | null => {
    if (letter === undefined) return null;
    const upper = letter.toUpperCase();
    const index = upper.charCodeAt(0) - 65;
    return index >= 0 && index < Math.min(optionCount, 7) ? upper : null;
  };
  const stripped = text.replace(DECORATION, "");
  const first = /^([A-Za-z])(?![A-Za-z0-9'\u2019])/.exec(stripped);
  // "A good question ..." opens with the article, not an answer: it is then ignored below.
  const opensWithArticle = first !== null && /^[A-Za-z]\s+[a-z]{2,}/.test(stripped);
  if (first && !opensWithArticle) {
    const letter = allowed(first[1]);
    if (letter !== null) return letter;
  }
  const cue = CUE.exec(text);
  if (cue) return allowed(cue[1]);
  const rest = opensWithArticle ? stripped.slice(1) : text;
  const standalone = new Set<string>();
  for (const match of rest.matchAll(/(?<![A-Za-z0-9'\u2019])([A-G])(?![A-Za-z0-9'\u2019])/g)) {
    const letter = allowed(match[1]);
    if (letter !== null) standalone.add(letter);
  }
  return standalone.size === 1 ? ([...standalone][0] ?? null) : null;
}

/** true / false when the answer starts with it (case-insensitive, markdown stripped), else null. */
export function parseTrueFalseAnswer(text: string): boolean | null {
  const start = text.replace(DECORATION, "").toLowerCase();
  if (/^true(?![a-z])/.test(start)) return true;
  if (/^false(?![a-z])/.test(start)) return false;
  return null;
}
