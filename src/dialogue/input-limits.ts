/** Caps on what loaders read, so a hostile or broken file cannot exhaust memory. */
export interface InputLimits {
  /** Longest JSONL line or CSV record, in bytes. */
  maxLineBytes: number;
  /** Largest image file read, in bytes (also the cap for a file that grows while read). */
  maxImageBytes: number;
  /** Deepest nesting of objects and arrays in one record (metadata, labels). */
  maxDepth: number;
}

/** Defaults: lines far above any real dialogue, images above every provider's own limit. */
export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = {
  maxLineBytes: 8 * 1024 * 1024,
  maxImageBytes: 20 * 1024 * 1024,
  maxDepth: 32,
};

/** Fills in defaults for the limits not given. */
export function inputLimits(given: Partial<InputLimits> = {}): InputLimits {
  return {
    maxLineBytes: given.maxLineBytes ?? DEFAULT_INPUT_LIMITS.maxLineBytes,
    maxImageBytes: given.maxImageBytes ?? DEFAULT_INPUT_LIMITS.maxImageBytes,
    maxDepth: given.maxDepth ?? DEFAULT_INPUT_LIMITS.maxDepth,
  };
}

/** A size in bytes for messages: `8 MiB`, `512 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
