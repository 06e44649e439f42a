import { InputError } from "../../errors.ts";

/** The two MTMCS-Bench splits: Type A escalation and Type B context switch. */
export const MTMCS_SPLITS = ["type_a", "type_b"] as const;
export type MtmcsSplit = (typeof MTMCS_SPLITS)[number];

/** `mm`: the photo is sent; `um`: the text-only rewrite that describes it in words. */
export const MTMCS_MODALITIES = ["mm", "um"] as const;
export type MtmcsModality = (typeof MTMCS_MODALITIES)[number];

export const MTMCS_SIDES = ["unsafe", "safe"] as const;
export type MtmcsSide = (typeof MTMCS_SIDES)[number];

/** The dialogue fields of one modality; unused ones are empty strings in the published data. */
export interface MtmcsTurnFields {
  r1: string;
  unsafe_r1: string;
  safe_r1: string;
  r2: string;
  r3: string;
  unsafe_r3: string;
  safe_r3: string;
}

/** A multiple-choice intent question; `side` follows its question_type ("safe..."/"unsafe..."). */
export interface McqItem {
  question: string;
  questionType: string;
  side: MtmcsSide;
  options: string[];
  /** Upper-case letter of the correct option. */
  groundTruth: string;
}

/** A true/false statement about the unsafe dialogue. */
export interface TrueFalseItem {
  question: string;
  groundTruth: boolean;
}

/** What one modality of a row holds. */
export interface MtmcsModalityFields {
  dialogue: MtmcsTurnFields;
  mcq: McqItem[];
  tf: TrueFalseItem[];
}

/** One validated row, for the modalities that were asked for. */
export interface MtmcsRow {
  id: string;
  split: MtmcsSplit;
  unsafeIntent: string;
  modalities: Partial<Record<MtmcsModality, MtmcsModalityFields>>;
  /** `file row N`, for errors and reports. */
  where: string;
}

const TURN_KEYS = ["r1", "unsafe_r1", "safe_r1", "r2", "r3", "unsafe_r3", "safe_r3"] as const;
const PREFIX: Record<MtmcsModality, string> = { mm: "multimodal", um: "unimodal" };

/** The dialogue fields each split needs; the others must exist but may be empty. */
export const REQUIRED_TURNS: Record<MtmcsSplit, readonly (keyof MtmcsTurnFields)[]> = {
  type_a: ["r1", "r2", "unsafe_r3", "safe_r3"],
  type_b: ["unsafe_r1", "safe_r1", "r2", "r3"],
};

/**
 * Validates a raw row (already parsed from JSONL, JSON or Parquet) for the given split and
 * modalities. Nested fields stored as JSON strings are accepted. Throws an InputError naming
 * the file, row and field.
 */
export function parseMtmcsRow(
  raw: unknown,
  options: { split: MtmcsSplit; modalities: readonly MtmcsModality[]; where: string },
): MtmcsRow {
  const { where, split } = options;
  const fail = (field: string, message: string): never => {
    throw new InputError(`${field}: ${message}`, where);
  };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail("(row)", "expected an object");
  const row = raw as Record<string, unknown>;
  const id = row.id;
  if (!(typeof id === "string" && id.trim() !== "") && typeof id !== "number" && typeof id !== "bigint")
    fail("id", "missing (expected an integer or string id)");
  const unsafeIntent = optionalString(row.unsafe_intent, "unsafe_intent", fail);
  const modalities: MtmcsRow["modalities"] = {};
  for (const modality of options.modalities) {
    const prefix = PREFIX[modality];
    const dialogueField = `${prefix}_dialogue`;
    const dialogueRaw = decodeNested(row[dialogueField]);
    if (dialogueRaw === null || typeof dialogueRaw !== "object" || Array.isArray(dialogueRaw))
      fail(dialogueField, "missing (expected an object with r1, r2, r3, ...)");
    const turns = dialogueRaw as Record<string, unknown>;
    const dialogue = {} as MtmcsTurnFields;
    for (const key of TURN_KEYS) dialogue[key] = optionalString(turns[key], `${dialogueField}.${key}`, fail);
    for (const key of REQUIRED_TURNS[split])
      if (dialogue[key].trim() === "")
        fail(
          `${dialogueField}.${key}`,
          `missing or empty (${split} needs ${REQUIRED_TURNS[split].join(", ")})`,
        );
    modalities[modality] = {
      dialogue,
      mcq: parseMcq(row[`${prefix}_mcq`], `${prefix}_mcq`, fail),
      tf: parseTrueFalse(row[`${prefix}_tf`], `${prefix}_tf`, fail),
    };
  }
  return { id: String(id).trim(), split, unsafeIntent, modalities, where };
}

type Fail = (field: string, message: string) => never;

function optionalString(value: unknown, field: string, fail: Fail): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") return fail(field, `expected text, got ${typeof value}`);
  return value;
}

/** Some exports keep nested columns as JSON text. */
function decodeNested(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

function parseMcq(value: unknown, field: string, fail: Fail): McqItem[] {
  const items = decodeNested(value);
  if (!Array.isArray(items) || items.length === 0)
    return fail(field, "missing (expected a list of questions)");
  return items.map((item, index) => {
    const at = `${field}.${index}`;
    if (item === null || typeof item !== "object") return fail(at, "expected an object");
    const record = item as Record<string, unknown>;
    const question = requiredString(record.question, `${at}.question`, fail);
    const questionType = requiredString(record.question_type, `${at}.question_type`, fail);
    const lowered = questionType.trim().toLowerCase();
    const side: MtmcsSide | null = lowered.startsWith("unsafe")
      ? "unsafe"
      : lowered.startsWith("safe")
        ? "safe"
        : null;
    if (side === null)
      return fail(`${at}.question_type`, `must start with "safe" or "unsafe", got "${questionType}"`);
    const options = decodeNested(record.options);
    if (!Array.isArray(options) || options.length < 2 || options.length > 7)
      return fail(`${at}.options`, "expected a list of 2 to 7 options");
    const texts = options.map((option, optionIndex) =>
      requiredString(option, `${at}.options.${optionIndex}`, fail),
    );
    const groundTruth = letterOf(record.ground_truth, texts.length);
    if (groundTruth === null)
      return fail(
        `${at}.ground_truth`,
        `expected an option letter A-${String.fromCharCode(64 + texts.length)}`,
      );
    return { question, questionType, side, options: texts, groundTruth };
  });
}

function parseTrueFalse(value: unknown, field: string, fail: Fail): TrueFalseItem[] {
  const items = decodeNested(value);
  if (!Array.isArray(items)) return fail(field, "missing (expected a list of true/false statements)");
  return items.map((item, index) => {
    const at = `${field}.${index}`;
    if (item === null || typeof item !== "object") return fail(at, "expected an object");
    const record = item as Record<string, unknown>;
    const question = requiredString(record.question, `${at}.question`, fail);
    const truth = record.ground_truth;
    const lowered = typeof truth === "string" ? truth.trim().toLowerCase() : undefined;
    if (truth === true || lowered === "true") return { question, groundTruth: true };
    if (truth === false || lowered === "false") return { question, groundTruth: false };
    return fail(`${at}.ground_truth`, "expected true or false");
  });
}

function requiredString(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== "string" || value.trim() === "") return fail(field, "missing or empty");
  return value;
}

/** A letter ("B", "b", "B. text") or a 0-based index, as an upper-case letter within range. */
function letterOf(value: unknown, optionCount: number): string | null {
  let letter: string | undefined;
  if (typeof value === "number" && Number.isInteger(value)) letter = String.fromCharCode(65 + value);
  else if (typeof value === "string") letter = /^\s*\(?([A-Ga-g])\b/.exec(value)?.[1]?.toUpperCase();
  if (letter === undefined) return null;
  const index = letter.charCodeAt(0) - 65;
  return index >= 0 && index < optionCount ? letter : null;
}
