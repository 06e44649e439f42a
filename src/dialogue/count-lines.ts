import { createReadStream } from "node:fs";

/** Counts non-empty lines of a file without holding it in memory (for progress totals). */
export async function countDialogueLines(file: string): Promise<number | undefined> {
  try {
    let count = 0;
    let lineHasContent = false;
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      for (const byte of chunk) {
        if (byte === 10) {
          if (lineHasContent) count++;
          lineHasContent = false;
        } else if (byte !== 13 && byte !== 32 && byte !== 9) lineHasContent = true;
      }
    }
    return lineHasContent ? count + 1 : count;
  } catch {
    return undefined;
  }
}
