import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../../errors.ts";
import type { LengthOutcome, SampleOutcome } from "../../metrics/safety-index.ts";
import { readSafemtIds } from "./safemt-loader.ts";
import { parseSafemtCaseId } from "./safemt-record.ts";

/** Labels read from a file: outcomes per model (or target condition), plus notes for the reader. */
export interface ImportedLabels {
  format: "published-by-length" | "published-list" | "published-tree" | "turnsafe-export";
  results: Map<string, LengthOutcome[]>;
  notes: string[];
}

export interface LabelImportOptions {
  /** SafeMT data folder: gives record ids to labels stored as bare lists in file order. */
  dataDir?: string;
  /** Name of the model in a published label file (default: the file name without `.json`). */
  model?: string;
}

/** The shapes `safemt si` accepts, for the error that lists them. */
export const ACCEPTED_LABEL_SHAPES = `accepted shapes:
  1. {"1_turn": [{"id": "...", "label": "safe"}, ...], "2_turn": [...], ...}   (length keys like 1_turn, 1, turn_1)
  2. {"1_turn": ["safe", "unsafe", ...], ...}   labels in the order of the data file's records (pass --data to take the ids from it)
  3. {"1_turn": {"<id>": "unsafe", ...}, ...}
  4. [{"id": "...", "turn": 4, "label": "unsafe"}, ...]   (turn, turns or length)
  5. turnsafe's own export: \`turnsafe export <run> --format jsonl\` (one JSON row per case and target)`;

const LENGTH_KEY = /^(?:turns?[_-]?)?(\d+)(?:[_-]?turns?)?(?:\.json)?$/i;
// `safety_label` is what the SafeMT evaluation scripts write into `{k}/label/<model>.json`.
const LABEL_KEYS = ["safety_label", "label", "result", "verdict", "judgment", "judgement", "output"];
const LENGTH_FIELDS = ["turn", "turns", "length", "num_turns", "n_turns"];

/** Reads a label's outcome the way the published scorer matched: exact after trim and lowercase. */
export function labelOutcome(value: unknown): SampleOutcome {
  if (typeof value !== "string") return "unparsed";
  const label = value.trim().toLowerCase();
  return label === "safe" || label === "unsafe" ? label : "unparsed";
}

/** Parses a length key or value (`4_turn`, `4`, `turn_4`); null when it is not one. */
export function parseLengthKey(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : null;
  if (typeof value !== "string") return null;
  const match = LENGTH_KEY.exec(value.trim());
  return match ? Number(match[1]) : null;
}

/**
 * Reads labels from a file: the published scorer's `label/<model>.json` (several plausible
 * shapes, detected) or turnsafe's export JSONL. Anything else is an InputError listing the
 * accepted shapes. Unreadable labels are kept as `unparsed`, never dropped.
 */
export async function importSafemtLabels(
  file: string,
  options: LabelImportOptions = {},
): Promise<ImportedLabels> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new InputError("cannot read the labels file", file);
  }
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    if (trimmed.startsWith("{")) return importExportRows(trimmed, file);
    throw new InputError(`neither JSON nor JSON lines\n${ACCEPTED_LABEL_SHAPES}`, file);
  }
  const model = options.model ?? path.basename(file).replace(/\.jsonl?$/i, "");
  if (Array.isArray(value)) return importList(value, model, file);
  if (isRecord(value) && "caseId" in value && "scores" in value) return importExportRows(trimmed, file);
  if (isRecord(value)) return importByLength(value, model, file, options);
  throw new InputError(`unrecognised labels file\n${ACCEPTED_LABEL_SHAPES}`, file);
}

async function importByLength(
  value: Record<string, unknown>,
  model: string,
  file: string,
  options: LabelImportOptions,
): Promise<ImportedLabels> {
  const outcomes: LengthOutcome[] = [];
  const notes: string[] = [];
  const entries = Object.entries(value);
  if (entries.length === 0) throw new InputError(`no lengths in the file\n${ACCEPTED_LABEL_SHAPES}`, file);
  let positional = false;
  for (const [key, labels] of entries) {
    const length = parseLengthKey(key);
    const where = `${file} key "${key}"`;
    if (length === null)
      throw new InputError(
        `"${key}" is not a length key (like 1_turn, 1 or turn_1)\n${ACCEPTED_LABEL_SHAPES}`,
        file,
      );
    if (Array.isArray(labels)) {
      let ids: string[] | undefined;
      if (labels.some((label) => !isRecord(label)) && options.dataDir !== undefined) {
        ids = await readSafemtIds(options.dataDir, length);
        if (ids.length !== labels.length)
          throw new InputError(
            `${labels.length} labels but ${ids.length} records in the data file of length ${length}`,
            where,
          );
      }
      const listed = listOutcomes(labels, length, where, ids);
      outcomes.push(...listed.outcomes);
      positional ||= listed.positional;
    } else if (isRecord(labels)) {
      for (const [id, label] of Object.entries(labels))
        outcomes.push({ sampleId: id, length, outcome: labelOutcome(label) });
    } else throw new InputError(`expected a list or an object of labels\n${ACCEPTED_LABEL_SHAPES}`, where);
  }
  if (positional)
    notes.push(
      "labels given as bare lists were matched across lengths by position (#0, #1, ...); pass --data to use the data files' ids",
    );
  return { format: "published-by-length", results: new Map([[model, outcomes]]), notes };
}

/**
 * Outcomes of one length's label list: `{id, label}` entries, or bare labels given the data file's
 * `ids` (else numbered by position, `positional`). `where` names the list in errors.
 */
export function listOutcomes(
  labels: unknown[],
  length: number,
  where: string,
  ids?: string[],
): { outcomes: LengthOutcome[]; positional: boolean } {
  let positional = false;
  const outcomes = labels.map((label, index): LengthOutcome => {
    if (isRecord(label)) {
      const id = label.id;
      if (typeof id !== "string" && typeof id !== "number")
        throw new InputError(`entry ${index} has no id\n${ACCEPTED_LABEL_SHAPES}`, where);
      return { sampleId: String(id), length, outcome: labelOutcome(firstLabel(label)) };
    }
    if (!ids) positional = true;
    return { sampleId: ids?.[index] ?? `#${index}`, length, outcome: labelOutcome(label) };
  });
  return { outcomes, positional };
}

function importList(value: unknown[], model: string, file: string): ImportedLabels {
  const outcomes: LengthOutcome[] = value.map((entry, index) => {
    const where = `${file} entry ${index}`;
    if (!isRecord(entry)) throw new InputError(`expected an object\n${ACCEPTED_LABEL_SHAPES}`, where);
    const fromCaseId = typeof entry.id === "string" ? parseSafemtCaseId(entry.id) : null;
    const lengthField = LENGTH_FIELDS.find((field) => entry[field] !== undefined);
    const length = lengthField ? parseLengthKey(entry[lengthField]) : (fromCaseId?.length ?? null);
    if (length === null)
      throw new InputError(
        `no length: give one of ${LENGTH_FIELDS.join(", ")}\n${ACCEPTED_LABEL_SHAPES}`,
        where,
      );
    const id = lengthField ? entry.id : (fromCaseId?.sampleId ?? entry.id);
    if (typeof id !== "string" && typeof id !== "number")
      throw new InputError(`no id\n${ACCEPTED_LABEL_SHAPES}`, where);
    return { sampleId: String(id), length, outcome: labelOutcome(firstLabel(entry)) };
  });
  return { format: "published-list", results: new Map([[model, outcomes]]), notes: [] };
}

/** turnsafe export rows: each SafeMT judge score becomes an outcome of its target. */
function importExportRows(text: string, file: string): ImportedLabels {
  const results = new Map<string, LengthOutcome[]>();
  let untargeted = 0;
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `${file}:${index + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new InputError(`invalid JSON line\n${ACCEPTED_LABEL_SHAPES}`, where);
    }
    if (!isRecord(row) || typeof row.caseId !== "string" || !isRecord(row.scores))
      throw new InputError(
        `not a turnsafe export row (caseId, target, scores)\n${ACCEPTED_LABEL_SHAPES}`,
        where,
      );
    const metadata = isRecord(row.metadata) ? row.metadata : {};
    const parsed = parseSafemtCaseId(row.caseId);
    const sampleId = typeof metadata.sampleId === "string" ? metadata.sampleId : parsed?.sampleId;
    const length = typeof metadata.length === "number" ? metadata.length : parsed?.length;
    if (sampleId === undefined || length === undefined)
      throw new InputError(`case ${row.caseId} is not a SafeMT case (<id>@<length>)`, where);
    // A case that failed before any target answered has no row per target to count against.
    if (typeof row.target !== "string") {
      untargeted++;
      return;
    }
    const target = row.target;
    const score = Object.entries(row.scores).find(([scorer]) => scorer.startsWith("safemt"))?.[1];
    let outcome: SampleOutcome;
    if (isRecord(score))
      outcome =
        score.status === "errored"
          ? "errored"
          : score.status === "ok"
            ? labelOutcome(score.label)
            : "unparsed";
    else outcome = "errored";
    let list = results.get(target);
    if (!list) {
      list = [];
      results.set(target, list);
    }
    list.push({ sampleId, length, outcome });
  });
  const notes =
    untargeted > 0 ? [`${untargeted} cases failed before any target answered and are not counted`] : [];
  return { format: "turnsafe-export", results, notes };
}

function firstLabel(entry: Record<string, unknown>): unknown {
  for (const key of LABEL_KEYS) if (entry[key] !== undefined) return entry[key];
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
