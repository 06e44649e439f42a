import { InputError } from "../errors.ts";
import { checkImageBytes, checkImageFile } from "./check-image-file.ts";
import { type Dialogue, DialogueSchema } from "./dialogue.ts";
import { type InputLimits, inputLimits } from "./input-limits.ts";
import { readJsonlEntries } from "./jsonl.ts";

/** How a dialogue file is checked before a run starts. */
export interface ValidateDialogueOptions {
  /** Folder image paths resolve against; image files must be inside it unless `allowOutsideImages`. */
  imageBaseDir: string;
  limits?: Partial<InputLimits>;
  allowOutsideImages?: boolean;
  /** Problems listed before the rest are only counted (default 50). */
  maxProblems?: number;
}

/** A dialogue file that passed: how many dialogues, and warnings naming `file:line`. */
export interface ValidatedDialogueFile {
  dialogues: number;
  warnings: string[];
}

const IMAGE_CHECKS_IN_FLIGHT = 16;

/**
 * Reads a whole dialogue file once, streaming, and checks every line (JSON, schema, depth, line
 * size, duplicate ids) and every distinct image it names (exists, regular file, inside the image
 * folder, within the size cap, header decodes). Every problem, up to `maxProblems`, is reported
 * in one InputError; an empty file is one too. Nothing is stored, so a failure leaves no run.
 */
export async function validateDialogueFile(
  file: string,
  options: ValidateDialogueOptions,
): Promise<ValidatedDialogueFile> {
  const limits = inputLimits(options.limits);
  const maxProblems = options.maxProblems ?? 50;
  const problems: string[] = [];
  let more = 0;
  const problem = (text: string) => {
    if (problems.length < maxProblems) problems.push(text);
    else more++;
  };
  const warnings: string[] = [];
  const ids = new Map<string, number>();
  const checkedImages = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let dialogues = 0;
  const checkImages = async (dialogue: Dialogue, where: string) => {
    for (const [messageIndex, message] of dialogue.messages.entries())
      for (const [partIndex, part] of message.content.entries()) {
        if (part.type !== "image") continue;
        const field = `messages.${messageIndex}.content.${partIndex}.image`;
        const { path: written, base64 } = part.image;
        let check: Promise<string | undefined>;
        if (written !== undefined) {
          if (checkedImages.has(written)) continue;
          checkedImages.add(written);
          check = checkImageFile(written, {
            imageBaseDir: options.imageBaseDir,
            maxImageBytes: limits.maxImageBytes,
            allowOutside: options.allowOutsideImages,
          });
        } else if (base64 !== undefined) {
          check = checkImageBytes(Buffer.from(base64, "base64"), "(inline base64)", limits.maxImageBytes);
        } else continue;
        const task: Promise<void> = check.then(
          (found) => {
            if (found) problem(`${where}: ${field}: ${found}`);
          },
          (error: unknown) => problem(`${where}: ${field}: ${(error as Error).message}`),
        );
        inFlight.add(task);
        void task.finally(() => inFlight.delete(task));
        if (inFlight.size >= IMAGE_CHECKS_IN_FLIGHT) await Promise.race(inFlight);
      }
  };
  for await (const entry of readJsonlEntries(file, DialogueSchema, {
    limits,
    onWarning: (warning) => warnings.push(warning),
  })) {
    if (entry.error) {
      problem(entry.error.message);
      continue;
    }
    const where = `${file}:${entry.line}`;
    const first = ids.get(entry.value.id);
    if (first !== undefined) {
      problem(`${where}: id: duplicate dialogue id "${entry.value.id}" (first on line ${first})`);
      continue;
    }
    ids.set(entry.value.id, entry.line);
    dialogues++;
    await checkImages(entry.value as Dialogue, where);
  }
  await Promise.all(inFlight);
  const total = problems.length + more;
  if (total > 0) {
    const rest = more > 0 ? `\n  ... and ${more} more` : "";
    throw new InputError(
      `${total} problem${total === 1 ? "" : "s"} in the data; nothing was run:\n  ${problems.join("\n  ")}${rest}`,
      file,
    );
  }
  if (dialogues === 0) throw new InputError("no dialogues in the file (it is empty)", file);
  return { dialogues, warnings };
}
