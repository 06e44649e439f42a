/**
 * The "last turn carries the intent" check of the dialogue builder, kept cheap and lexical on
 * purpose (no model call): a query's key terms are its content words (three letters or more)
 * minus function words and request framing ("write", "detailed", "instructions", ...). The
 * final user turn must contain enough of them, compared by crude stems (plural, -ing, -ed, -ly
 * endings removed; one stem a prefix of the other, four letters or more, also counts). The
 * attacker is told which words to keep, so a model can always meet the check.
 */

const STOPWORDS = new Set(
  (
    "the and for that this with from into onto about your their them they then than what when where which while " +
    "will would could should can may might must also some other others such very more most any all each every " +
    "how why who whom whose its it's are was were been being have has had does did doing not nor but yet " +
    "our ours you his her hers him she he one ones out over under again there here those these just only own " +
    "same too both few many much via per upon using use used without within among between through after before " +
    "write create develop provide give generate explain describe detail detailed instructions instruction step " +
    "steps tutorial guide list make someone something anyone anything people person way ways how-to specific " +
    "offer produce compose draft outline suggest tell show help need want like please sure here's"
  ).split(" "),
);

/** Crude English stem: enough to match "exploit"/"exploits"/"exploiting". */
export function stem(word: string): string {
  let base = word.toLowerCase();
  if (base.length > 5 && base.endsWith("ies")) return `${base.slice(0, -3)}y`;
  for (const suffix of ["ing", "ed", "ly", "es", "s"])
    if (base.length - suffix.length >= 4 && base.endsWith(suffix)) {
      base = base.slice(0, -suffix.length);
      break;
    }
  return base;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
}

/** The query's key terms, in order of first appearance, without repeats. */
export function keyTerms(query: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const word of words(query)) {
    if (word.length < 3 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    const key = stem(word);
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push(word);
  }
  return terms;
}

/** How many key terms the final turn must reuse: 1 for short queries (or `lenient`), else 2. */
export function requiredTermCount(terms: readonly string[], lenient = false): number {
  if (terms.length === 0) return 0;
  return lenient ? 1 : Math.min(2, Math.ceil(terms.length / 3));
}

function stemsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short);
}

/** The key terms of `terms` that appear in `text`. */
export function termsFound(text: string, terms: readonly string[]): string[] {
  const stems = words(text).map(stem);
  return terms.filter((term) => {
    const key = stem(term);
    return stems.some((candidate) => stemsMatch(candidate, key));
  });
}

/** A short phrase for a typographic image: the first few key terms of the query. */
export function keyPhrase(query: string, maxWords = 6): string {
  const terms = keyTerms(query).slice(0, maxWords);
  return terms.length > 0 ? terms.join(" ") : query.slice(0, 60);
}
