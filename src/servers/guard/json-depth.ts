/** Deepest nesting of arrays and objects a guard request may have. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when the JSON text nests arrays and objects deeper than `limit`. A linear scan that
 * skips string bodies with indexOf (so megabytes of base64 cost little), run before parsing:
 * deeply nested input would otherwise overflow the stack of any recursive code that walks
 * the parsed value later. Malformed text is left for JSON.parse to report.
 */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      // Skip to the closing quote: one preceded by an even number of backslashes.
      for (;;) {
        const close = text.indexOf('"', index + 1);
        if (close === -1) return false;
        let backslashes = 0;
        while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
        index = close;
        if (backslashes % 2 === 0) break;
      }
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--;
  }
  return false;
}
