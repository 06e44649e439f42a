/** Replaces every occurrence of each secret in a text that may be shown, logged or stored. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join("[redacted]");
  return out;
}

/**
 * A JSON value with every secret replaced in its strings (keys included); the value itself
 * when no string holds one. Used on upstream answers, which may echo the upstream key.
 */
export function scrubSecretsDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.every((secret) => secret === "")) return value;
  return scrub(value, secrets, 0) as T;
}

function scrub(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === "string") {
    return secrets.some((secret) => secret !== "" && value.includes(secret))
      ? scrubSecrets(value, secrets)
      : value;
  }
  if (typeof value !== "object" || value === null || depth > 200) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value))
    out[scrubSecrets(key, secrets)] = scrub(inner, secrets, depth + 1);
  return out;
}

/** Characters of a secret that may be shown before the guard can tell it is one. */
export const SECRET_PREFIX_SHOWN = 3;

/** True when `text` ends with the first characters (more than SECRET_PREFIX_SHOWN) of a secret. */
export function secretPrefixAtEnd(text: string, secrets: readonly string[]): boolean {
  for (const secret of secrets) {
    if (secret.length <= SECRET_PREFIX_SHOWN) continue;
    for (let size = Math.min(secret.length - 1, text.length); size > SECRET_PREFIX_SHOWN; size--)
      if (text.endsWith(secret.slice(0, size))) return true;
  }
  return false;
}
