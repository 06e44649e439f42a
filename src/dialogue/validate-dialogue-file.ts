import { InputError } from "../errors.ts";
import { checkImageBytes, checkImageFile } from "./check-image-file.ts";
import { type Dialogue, DialogueSchema } from "./dialogue.ts";
import { type InputLimits, inputLimits } from "./input-limits.ts";
import { readJsonlEntries } from "./jsonl.ts";
import type { ChunkHasher } from "./streamed-data-hash.ts";

/** How a dialogue file is checked. */
export interface ValidateDialogueOptions {
  /** Folder image paths resolve against; image files must be inside it unless `allowOutsideImages`. */
  imageBaseDir: string;
  limits?: Partial<InputLimits>;
  allowOutsideImages?: boolean;
  /** Problems listed before the rest are only counted (default 50). */
  maxProblems?: number;
  /** Told about lines read with a repair (invalid UTF-8), naming `file:line`. */
  onWarning?: (warning: string) => void;
  /** Hashes the file as it streams, checking it against an earlier session's (see StreamedDataHash). */
  hash?: ChunkHasher;
}

/** A dialogue file that passed: how many dialogues, and warnings naming `file:line`. */
export interface ValidatedDialogueFile {
  dialogues: number;
  warnings: string[];
}

/**
 * Reads a whole dialogue file once, streaming, and checks every line and image (see
 * checkedDialogues); every problem, up to `maxProblems`, is reported in one InputError.
 */
export async function validateDialogueFile(
  file: string,
  options: ValidateDialogueOptions,
): Promise<ValidatedDialogueFile> {
  const warnings: string[] = [];
  let dialogues = 0;
  for await (const _ of checkedDialogues(file, {
    ...options,
    onWarning: (warning) => {
      warnings.push(warning);
      options.onWarning?.(warning);
    },
  }))
    dialogues++;
  return { dialogues, warnings };
}

/**
 * Streams the dialogues of a file, checking each line (JSON, schema, depth, line size, duplicate
 * ids) and every distinct image it names (exists, regular file, inside the image folder, within
 * the size cap, header decodes) before yielding it, so a run can start at once and play each
 * dialogue as soon as it is read. At the first problem it yields nothing more but reads on to the
 * end, then throws one InputError listing every problem (up to `maxProblems`, each `file:line:
 * field: problem`) and the line from which nothing was yielded. An empty file is an InputError.
 * `limit` stops after that many dialogues (the rest of the file is not read).
 */
export async function* checkedDialogues(
  file: string,
  options: ValidateDialogueOptions & { limit?: number },
): AsyncGenerator<Dialogue> {
  const limits = inputLimits(options.limits);
  const maxProblems = options.maxProblems ?? 50;
  const problems: string[] = [];
  let more = 0;
  let stoppedAt: number | undefined;
  const ids = new Map<string, number>();
  const checkedImages = new Set<string>();
  let dialogues = 0;
  const imageProblems = async (dialogue: Dialogue): Promise<string[]> => {
    const found: string[] = [];
    for (const [messageIndex, message] of dialogue.messages.entries())
      for (const [partIndex, part] of message.content.entries()) {
        if (part.type !== "image") continue;
        const field = `messages.${messageIndex}.content.${partIndex}.image`;
        const { path: written, base64 } = part.image;
        let problem: string | undefined;
        try {
          if (written !== undefined) {
            if (checkedImages.has(written)) continue;
            checkedImages.add(written);
            problem = await checkImageFile(written, {
              imageBaseDir: options.imageBaseDir,
              maxImageBytes: limits.maxImageBytes,
              allowOutside: options.allowOutsideImages,
            });
          } else if (base64 !== undefined)
            problem = await checkImageBytes(
              Buffer.from(base64, "base64"),
              "(inline base64)",
              limits.maxImageBytes,
            );
        } catch (error) {
          problem = (error as Error).message;
        }
        if (problem) found.push(`${field}: ${problem}`);
      }
    return found;
  };
  for await (const entry of readJsonlEntries(file, DialogueSchema, {
    limits,
    onWarning: options.onWarning,
    hash: options.hash,
  })) {
    if (options.limit !== undefined && dialogues >= options.limit) break;
    const lineProblems: string[] = [];
    if (entry.error) lineProblems.push(entry.error.message);
    else {
      const where = `${file}:${entry.line}`;
      const first = ids.get(entry.value.id);
      if (first !== undefined)
        lineProblems.push(`${where}: id: duplicate dialogue id "${entry.value.id}" (first on line ${first})`);
      else {
        ids.set(entry.value.id, entry.line);
        dialogues++;
        for (const found of await imageProblems(entry.value as Dialogue))
          lineProblems.push(`${where}: ${found}`);
      }
    }
    if (lineProblems.length > 0) {
      stoppedAt ??= entry.line;
      for (const problem of lineProblems) {
        if (problems.length < maxProblems) problems.push(problem);
        else more++;
      }
      continue;
    }
    if (stoppedAt === undefined && !entry.error) yield entry.value as Dialogue;
  }
  const total = problems.length + more;
  if (total > 0) {
    const rest = more > 0 ? `\n  ... and ${more} more` : "";
    const stopped = stoppedAt === 1 ? "nothing was played" : `nothing from line ${stoppedAt} on was played`;
    throw new InputError(
      `${total} problem${total === 1 ? "" : "s"} in the data; ${stopped}:\n  ${problems.join("\n  ")}${rest}`,
      file,
    );
  }
  if (dialogues === 0) throw new InputError("no dialogues in the file (it is empty)", file);
}
