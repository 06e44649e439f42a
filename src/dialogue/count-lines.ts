import { createReadStream } from "node:fs";

const isBlank = (byte: number) => byte === 13 || byte === 32 || byte === 9;

/**
 * Counts non-empty lines of a file without holding it in memory (for progress totals). Newlines
 * are found with `indexOf`, and a line's bytes are looked at only from its end back to the first
 * non-blank one, so a JSONL file costs about as much as reading it.
 */
export async function countDialogueLines(file: string): Promise<number | undefined> {
  try {
    let count = 0;
    // Whether the line now open (started in an earlier chunk) has a non-blank byte.
    let lineHasContent = false;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
        let at = newline - 1;
        while (at >= start && isBlank(chunk[at] as number)) at--;
        if (at >= start || lineHasContent) count++;
        lineHasContent = false;
        start = newline + 1;
      }
      for (let at = chunk.length - 1; at >= start && !lineHasContent; at--)
        if (!isBlank(chunk[at] as number)) lineHasContent = true;
    }
    return lineHasContent ? count + 1 : count;
  } catch {
    return undefined;
  }
}
