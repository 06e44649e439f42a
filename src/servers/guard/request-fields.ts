import { InputError } from "../../errors.ts";
import {
  EXTRA_NUMERIC_REQUEST_FIELDS,
  type FieldTreatment,
  MESSAGE_FIELDS,
  PART_FIELDS,
  REQUEST_FIELDS,
} from "./chat-fields.ts";

const EXTRA_NUMERIC = new Set<string>(EXTRA_NUMERIC_REQUEST_FIELDS);

/** A request field the guard moderates besides the messages, and how it is labelled for the moderator. */
const ENVELOPE_FIELDS = [
  "tools",
  "functions",
  "tool_choice",
  "function_call",
  "response_format",
  "prediction",
];

/**
 * Checks the top-level fields of a request against {@link REQUEST_FIELDS}: unknown fields and
 * refused ones in use get an InputError naming the field (the guard cannot moderate them).
 * Returns the text of the moderated fields other than `messages` (tool and function
 * definitions, response schema, predicted output), labelled for the moderator.
 */
export function checkRequestFields(body: Record<string, unknown>): string[] {
  const texts: string[] = [];
  for (const [field, value] of Object.entries(body)) {
    const treatment: FieldTreatment | undefined = Object.hasOwn(REQUEST_FIELDS, field)
      ? REQUEST_FIELDS[field as keyof typeof REQUEST_FIELDS]
      : undefined;
    if (treatment === undefined) {
      if (EXTRA_NUMERIC.has(field) && (value === null || typeof value === "number")) continue;
      throw new InputError(
        "this field is not supported by the guard (it cannot tell whether the model reads it)",
        field,
      );
    }
    if (treatment === "refused" && !harmless(field, value))
      throw new InputError("not supported by the guard: what it carries cannot be moderated", field);
    if (value === undefined || value === null) continue;
    if (ENVELOPE_FIELDS.includes(field)) texts.push(`[${field}] ${JSON.stringify(value)}`);
  }
  return texts;
}

/** The values of refused fields that ask for nothing the guard cannot check. */
function harmless(field: string, value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return true;
  return field === "modalities" && Array.isArray(value) && value.every((item) => item === "text");
}

/** Checks a message's fields against {@link MESSAGE_FIELDS} for its role. */
export function checkMessageFields(message: Record<string, unknown>, role: string, where: string): void {
  const fields: Record<string, FieldTreatment> | undefined = Object.hasOwn(MESSAGE_FIELDS, role)
    ? MESSAGE_FIELDS[role as keyof typeof MESSAGE_FIELDS]
    : undefined;
  if (!fields) return; // the role itself is reported by the caller
  for (const [field, value] of Object.entries(message)) {
    const treatment = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (treatment === undefined)
      throw new InputError(
        `this field is not supported by the guard in ${role} messages`,
        `${where}.${field}`,
      );
    if (treatment === "refused" && value !== null && value !== undefined)
      throw new InputError(
        "not supported by the guard: what it refers to cannot be moderated",
        `${where}.${field}`,
      );
  }
}

/** Checks a content part's fields against {@link PART_FIELDS} for its type. */
export function checkPartFields(
  part: Record<string, unknown>,
  type: keyof typeof PART_FIELDS,
  where: string,
): void {
  const fields: Record<string, FieldTreatment> = PART_FIELDS[type];
  for (const field of Object.keys(part))
    if (!Object.hasOwn(fields, field))
      throw new InputError(`this field is not supported by the guard in ${type} parts`, `${where}.${field}`);
}
