import { mkdir } from "node:fs/promises";
import path from "node:path";
import { writeFilesAtomically } from "../../../reports/write-files-atomically.ts";
import type { BuiltTurn } from "./built-dialogue.ts";

/** One record of a SafeMT data file, GitHub layout (spec/safemt.md). */
export interface SafemtOutputRecord {
  id: string;
  scenario: string;
  /** Relative to the data folder. */
  image_path: string;
  dialogue: BuiltTurn[];
  question: string;
}

/** A sample that could not be built at some length, with every reason it was rejected. */
export interface BuildFailure {
  sampleId: string;
  length: number;
  method: string;
  /** `file:line` of the seed. */
  seed: string;
  query: string;
  error: string;
  /** The rejected attempts and why each was rejected (empty when the attacker call failed). */
  rejected: { attempt: number; problems: string[] }[];
}

/** A data file written by the builder. */
export interface WrittenFile {
  length: number;
  file: string;
  records: number;
}

/** The file name SafeMT uses for a length: `2_turn.json`. */
export function turnFileName(length: number): string {
  return `${length}_turn.json`;
}

/**
 * Writes `N_turn.json` (a JSON array per length, in sample order) and `build-report.json`
 * (what was built, and every failure with its reasons) into `outDir`, each through a temporary
 * file renamed into place.
 */
export async function writeSafemtFolder(
  outDir: string,
  byLength: ReadonlyMap<number, SafemtOutputRecord[]>,
  report: Record<string, unknown> & { failures: BuildFailure[] },
): Promise<{ files: WrittenFile[]; reportFile: string }> {
  await mkdir(outDir, { recursive: true });
  const files: WrittenFile[] = [];
  const contents: { file: string; content: string }[] = [];
  for (const [length, records] of [...byLength].sort(([a], [b]) => a - b)) {
    const file = path.join(outDir, turnFileName(length));
    contents.push({ file, content: `${JSON.stringify(records, null, 2)}\n` });
    files.push({ length, file, records: records.length });
  }
  const reportFile = path.join(outDir, "build-report.json");
  contents.push({ file: reportFile, content: `${JSON.stringify({ ...report, files }, null, 2)}\n` });
  // Each file is whole (new or old) even if the process is killed while writing.
  writeFilesAtomically(contents);
  return { files, reportFile };
}
