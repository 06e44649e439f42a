import path from "node:path";
import { MAX_WHOLE_FILE_BYTES, readSmallTextFile } from "../../dialogue/read-small-text-file.ts";
import { InputError } from "../../errors.ts";
import { isRecord } from "../../http/json.ts";
import { loadSeeds, type Seed } from "../safemt/build/load-seeds.ts";

/**
 * Seeds for AM3 synthesis: (image, harmful query) pairs from CSV or JSONL rows (`query`,
 * `category`, `image`: see loadSeeds), or from conversations: turnsafe dialogue JSONL (SafeMT
 * builds, MTMCS or your own suites: `messages`) and `turnsafe export --format jsonl` rows of a
 * red-team run (`transcript.messages`, one seed per case). A conversation's seed is its last user
 * turn's text and its first image file; its category is `metadata.category` (else
 * `labels.category`). Errors name the file and line.
 */
export function loadAm3Seeds(file: string): Seed[] {
  if (!/\.jsonl$/i.test(file)) return loadSeeds(file);
  const text = readSmallTextFile(file, MAX_WHOLE_FILE_BYTES);
  const lines = text.split(/\r?\n/);
  const first = lines.find((line) => line.trim() !== "");
  if (first === undefined || !/"(messages|transcript)"\s*:/.test(first)) return loadSeeds(file);
  const baseDir = path.dirname(path.resolve(file));
  const seeds: Seed[] = [];
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `${file}:${index + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new InputError(`invalid JSON (${(error as Error).message})`, where);
    }
    if (!isRecord(row)) throw new InputError("each line must be a JSON object", where);
    const caseKey = typeof row.caseId === "string" ? `${String(row.runId)}/${row.caseId}` : null;
    if (caseKey !== null && seen.has(caseKey)) return; // an export has one row per target
    if (caseKey !== null) seen.add(caseKey);
    const transcript = isRecord(row.transcript) ? row.transcript : null;
    const messages = Array.isArray(row.messages)
      ? row.messages
      : Array.isArray(transcript?.messages)
        ? transcript.messages
        : null;
    if (messages === null)
      throw new InputError("expected messages (a dialogue) or transcript.messages (an export row)", where);
    const users = messages.filter((message) => isRecord(message) && message.role === "user") as Record<
      string,
      unknown
    >[];
    const query = textOf(users.at(-1)?.content).trim();
    if (query === "") throw new InputError("the last user turn has no text", where);
    const image = messages.flatMap((message) => (isRecord(message) ? imagePaths(message.content) : []))[0];
    const metadata = isRecord(row.metadata) ? row.metadata : {};
    const labels = isRecord(row.labels) ? row.labels : {};
    const category = metadata.category ?? labels.category;
    seeds.push({
      source: where,
      query,
      scenario: typeof category === "string" && category !== "" ? category : "unknown",
      ...(image ? { image: path.resolve(baseDir, image) } : {}),
    });
  });
  if (seeds.length === 0) throw new InputError("no seeds in the file", file);
  return seeds;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isRecord(part) && part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("\n");
}

function imagePaths(content: unknown): string[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((part) =>
    isRecord(part) && part.type === "image" && isRecord(part.image) && typeof part.image.path === "string"
      ? [part.image.path]
      : [],
  );
}
