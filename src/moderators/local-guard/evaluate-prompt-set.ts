import { readFileSync } from "node:fs";
import type { ModelCaller } from "../../contracts/index.ts";
import { parseCsv } from "../../dialogue/csv.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { InputError, TurnsafeError } from "../../errors.ts";
import type { Moderator, Policy } from "../moderator.ts";
import { DEFAULT_POLICY } from "../policy.ts";

/** One labelled single-turn prompt. */
export interface PromptRow {
  text: string;
  unsafe: boolean;
  /** A grouping for per-group figures (e.g. a dataset's category). */
  group?: string;
}

/** A prompt the moderator got wrong (or could not judge). */
export interface PromptMistake {
  text: string;
  expected: "safe" | "unsafe";
  got: "safe" | "unsafe" | "errored";
  score: number | null;
  dimension: string | null;
}

/** Input-side precision and recall of a moderator over labelled prompts. */
export interface PromptSetEvaluation {
  total: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
  /** Errored or unparsed results: counted apart, never as safe. */
  failed: number;
  /** Null where undefined (no prompt predicted unsafe, or no unsafe prompt). */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  accuracy: number | null;
  /** Recall per group, over the unsafe prompts of each group. */
  recallByGroup: Record<string, { flagged: number; unsafe: number }>;
  mistakes: PromptMistake[];
}

/** How to run an evaluation. */
export interface EvaluatePromptSetOptions {
  policy?: Policy;
  /** How model-backed moderators reach their model; the local guard never calls it. */
  caller?: ModelCaller;
  /** Prompts moderated at once (default 8). */
  concurrency?: number;
}

const NO_CALLER: ModelCaller = {
  call() {
    throw new TurnsafeError("moderator.caller", "this moderator needs a model caller; pass options.caller");
  },
};

/**
 * Moderates each prompt as a one-turn user dialogue and compares the user-side rating with
 * the label: unsafe is the positive class.
 */
export async function evaluatePromptSet(
  moderator: Moderator,
  rows: readonly PromptRow[],
  options: EvaluatePromptSetOptions = {},
): Promise<PromptSetEvaluation> {
  const policy = options.policy ?? DEFAULT_POLICY;
  const caller = options.caller ?? NO_CALLER;
  const outcomes: {
    row: PromptRow;
    got: PromptMistake["got"];
    score: number | null;
    dimension: string | null;
  }[] = new Array(rows.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const index = next++;
      const row = rows[index] as PromptRow;
      const dialogue: Dialogue = {
        version: 1,
        id: `prompt-${index + 1}`,
        messages: [{ role: "user", content: [{ type: "text", text: row.text }] }],
        labels: {},
        metadata: {},
      };
      const result = await moderator.moderate(dialogue, policy, caller);
      const verdict = result.status === "ok" ? result.user : null;
      outcomes[index] = {
        row,
        got: verdict ? verdict.rating : "errored",
        score: verdict?.score ?? null,
        dimension: verdict?.dimension ?? null,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  const evaluation: PromptSetEvaluation = {
    total: rows.length,
    truePositives: 0,
    falsePositives: 0,
    trueNegatives: 0,
    falseNegatives: 0,
    failed: 0,
    precision: null,
    recall: null,
    f1: null,
    accuracy: null,
    recallByGroup: {},
    mistakes: [],
  };
  for (const { row, got, score, dimension } of outcomes) {
    const expected = row.unsafe ? "unsafe" : "safe";
    if (row.unsafe && row.group !== undefined) {
      const group = evaluation.recallByGroup[row.group] ?? { flagged: 0, unsafe: 0 };
      evaluation.recallByGroup[row.group] = group;
      group.unsafe++;
      if (got === "unsafe") group.flagged++;
    }
    if (got === "errored") evaluation.failed++;
    else if (got === "unsafe") row.unsafe ? evaluation.truePositives++ : evaluation.falsePositives++;
    else row.unsafe ? evaluation.falseNegatives++ : evaluation.trueNegatives++;
    if (got !== expected) evaluation.mistakes.push({ text: row.text, expected, got, score, dimension });
  }
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn } = evaluation;
  evaluation.precision = ratio(tp, tp + fp);
  evaluation.recall = ratio(tp, tp + fn);
  const { precision, recall } = evaluation;
  evaluation.f1 =
    precision !== null && recall !== null && precision + recall > 0
      ? (2 * precision * recall) / (precision + recall)
      : null;
  evaluation.accuracy = ratio(tp + tn, tp + tn + fp + fn);
  return evaluation;
}

/** Which columns of a CSV hold the prompt and its label. */
export interface PromptFileOptions {
  textColumn: string;
  /** Column with safe/unsafe labels; omit when every row has the same `label`. */
  labelColumn?: string;
  /** The label of every row when there is no label column (e.g. harmful seed sets). */
  label?: "safe" | "unsafe";
  /** Values of the label column that mean unsafe (default "unsafe"). */
  unsafeValues?: readonly string[];
  /** Column used as the row's group. */
  groupColumn?: string;
  /** Keeps only rows for which this returns true. */
  where?: (values: Record<string, string>) => boolean;
}

/** Reads labelled prompts from a CSV file (errors name the file and line). */
export function readPromptRows(file: string, options: PromptFileOptions): PromptRow[] {
  const unsafeValues = new Set((options.unsafeValues ?? ["unsafe"]).map((value) => value.toLowerCase()));
  const rows: PromptRow[] = [];
  for (const row of parseCsv(readFileSync(file, "utf8"), file)) {
    if (options.where && !options.where(row.values)) continue;
    const text = row.values[options.textColumn];
    if (text === undefined) throw new InputError(`no column "${options.textColumn}"`, `${file}:${row.line}`);
    let unsafe: boolean;
    if (options.labelColumn) {
      const label = row.values[options.labelColumn];
      if (label === undefined)
        throw new InputError(`no column "${options.labelColumn}"`, `${file}:${row.line}`);
      unsafe = unsafeValues.has(label.trim().toLowerCase());
    } else if (options.label) unsafe = options.label === "unsafe";
    else throw new InputError("give a label column or a label for every row", file);
    const group = options.groupColumn ? row.values[options.groupColumn] : undefined;
    rows.push(group === undefined ? { text, unsafe } : { text, unsafe, group });
  }
  return rows;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}
