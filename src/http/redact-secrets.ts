/** What a secret is replaced with wherever text may be shown, logged or stored. */
export const REDACTED = "[redacted]";

/**
 * Secrets shorter than this are not searched for: replacing a one-character header value
 * would mangle every message (the `1` inside `HTTP 401`) and hide nothing worth hiding.
 */
export const MIN_SECRET_LENGTH = 4;

/** Characters of a secret that may be shown before a stream relay can tell it is one. */
export const SECRET_PREFIX_SHOWN = 3;

/** `text` with every occurrence of each secret replaced by {@link REDACTED}. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets)
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * A detail fit for an error message: secrets redacted, whitespace collapsed to one line, cut
 * to `maxLength` characters (an ellipsis marks the cut).
 */
export function redactedLine(text: string, secrets: readonly string[], maxLength = 300): string {
  const out = redactSecrets(text, secrets).replace(/\s+/g, " ").trim();
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}

/**
 * A JSON value with every secret replaced in its strings (keys included); the value itself
 * when no secret is long enough to search for. Used on upstream answers, which may echo a key.
 */
export function redactSecretsDeep<T>(value: T, secrets: readonly string[]): T {
  if (!secrets.some((secret) => secret.length >= MIN_SECRET_LENGTH)) return value;
  return redactValue(value, secrets, 0) as T;
}

function redactValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (typeof value !== "object" || value === null || depth > 200) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value))
    out[redactSecrets(key, secrets)] = redactValue(inner, secrets, depth + 1);
  return out;
}

/**
 * True when `text` ends with the first characters (more than {@link SECRET_PREFIX_SHOWN}) of
 * a secret: a relay holds such text back until the next piece shows whether the key goes on.
 */
export function secretPrefixAtEnd(text: string, secrets: readonly string[]): boolean {
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (let size = Math.min(secret.length - 1, text.length); size > SECRET_PREFIX_SHOWN; size--)
      if (text.endsWith(secret.slice(0, size))) return true;
  }
  return false;
}
