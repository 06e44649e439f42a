import { closeSync, openSync, readSync } from "node:fs";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { InputError } from "../../errors.ts";
import { readBehaviourSet } from "./behaviour-loader.ts";
import { readLabelledRows } from "./column-loader.ts";
import { readLabelledDialogues } from "./dialogue-loader.ts";
import type { LabelledSetOptions } from "./labelled-item.ts";

/** The layout a labelled set is read as. */
export type LabelledLayout = "dialogues" | "rows" | "behaviours";

/**
 * Which loader reads a file: `csv` (and .csv/.tsv files) and JSONL records without `messages`
 * are rows of request, answer and label; JSONL with `messages` is the generic dialogue layout;
 * `behaviours` (and .json files) is the behaviour-keyed JSON of judge-validation sets.
 */
export function labelledLayout(file: string, format: LabelledSetOptions["format"] = "auto"): LabelledLayout {
  if (format === "csv") return "rows";
  if (format === "behaviours") return "behaviours";
  if (format === "auto" && /\.(csv|tsv)$/i.test(file)) return "rows";
  if (format === "auto" && /\.json$/i.test(file)) return "behaviours";
  return firstLineHasMessages(file) ? "dialogues" : "rows";
}

/** Streams a labelled set's items (dialogues ending with the answer, gold label in their labels). */
export function readLabelledSet(file: string, options: LabelledSetOptions): AsyncGenerator<Dialogue> {
  const layout = labelledLayout(file, options.format);
  if (layout === "behaviours") return readBehaviourSet(file, options);
  if (layout === "dialogues") return readLabelledDialogues(file, options);
  return readLabelledRows(file, options);
}

function firstLineHasMessages(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const first =
      buffer
        .toString("utf8", 0, read)
        .split("\n")
        .find((line) => line.trim() !== "") ?? "";
    return /"messages"\s*:/.test(first);
  } catch (error) {
    throw new InputError(
      `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      file,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
