import type { ModelCaller, Target, TargetRequest } from "../contracts/index.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { CancelledError, describeError } from "../errors.ts";
import { extractJsonObject } from "../judges/parse-output.ts";
import { moderationHistory } from "./moderation-history.ts";
import type { Evidence, ModerationResult, Policy, Verdict } from "./moderator.ts";
import { dimensionByCode, findDimension } from "./policy.ts";

/** The dimension value that says no dimension applies. */
export const NO_DIMENSION = "NA: None applying";

/** A result for output that could not be read: never safe, raw kept for inspection. */
export function unparsedResult(raw: string, reason: string): ModerationResult {
  return { status: "unparsed", user: null, assistant: null, raw, error: reason };
}

/** A result for a failed model call: never safe. */
export function erroredResult(reason: string, raw: string | null = null): ModerationResult {
  return { status: "errored", user: null, assistant: null, raw, error: reason };
}

type SideReading = { verdict: Verdict | null } | { problem: string };

/**
 * Reads the six-field moderation JSON (user_rating, assistant_rating, user_dimension,
 * assistant_dimension, user_rationale, assistant_rationale) from plain JSON, a ```json fence or
 * `<OUTPUT>` tags. Dimensions may be given by name or code ("O2"); "NA: None applying" means
 * none. A side with no turns in the dialogue is null whatever the model said. Anything
 * else (no JSON, a missing or unknown rating, a dimension outside the policy) is `unparsed`.
 */
export function parseModerationOutput(text: string, policy: Policy, dialogue: Dialogue): ModerationResult {
  const found = extractJsonObject(text);
  if (!found) return unparsedResult(text, "no JSON object in the moderator's output");
  const json = lowercaseKeys(found);
  const history = moderationHistory(dialogue);
  const user = readSide(json, "user", history.userTurns > 0, policy, dialogue);
  const assistant = readSide(json, "assistant", history.assistantTurns > 0, policy, dialogue);
  const problems = [user, assistant].flatMap((side) => ("problem" in side ? [side.problem] : []));
  if (problems.length > 0) return unparsedResult(text, problems.join("; "));
  return {
    status: "ok",
    user: "verdict" in user ? user.verdict : null,
    assistant: "verdict" in assistant ? assistant.verdict : null,
    raw: text,
    error: null,
  };
}

function lowercaseKeys(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) out[key.trim().toLowerCase()] = value;
  return out;
}

function readSide(
  json: Record<string, unknown>,
  side: "user" | "assistant",
  hasTurns: boolean,
  policy: Policy,
  dialogue: Dialogue,
): SideReading {
  if (!hasTurns) return { verdict: null };
  const ratingField = `${side}_rating`;
  const rating = parseRating(json[ratingField]);
  if (rating === null)
    return { problem: `${ratingField} ${JSON.stringify(json[ratingField] ?? null)} is not Safe or Unsafe` };
  const rationaleValue = json[`${side}_rationale`];
  const rationale = typeof rationaleValue === "string" && !isNullWord(rationaleValue) ? rationaleValue : "";
  let dimension: string | null = null;
  if (rating === "unsafe") {
    const dimensionField = `${side}_dimension`;
    const parsed = parseDimension(json[dimensionField], policy);
    if (parsed === undefined)
      return {
        problem: `${dimensionField} ${JSON.stringify(json[dimensionField] ?? null)} is not a dimension of the policy`,
      };
    dimension = parsed;
  }
  return { verdict: { rating, dimension, rationale, evidence: parseEvidence(rationale, dialogue) } };
}

function isNullWord(value: string): boolean {
  return /^\s*(?:null|none|n\/?a)?\s*$/i.test(value);
}

/** "Safe"/"Unsafe" in any case and light markup; null otherwise. */
export function parseRating(value: unknown): "safe" | "unsafe" | null {
  if (typeof value !== "string") return null;
  const word = value
    .trim()
    .toLowerCase()
    .replace(/^[\s"'*`.]+|[\s"'*`.]+$/g, "");
  return word === "safe" || word === "unsafe" ? word : null;
}

/**
 * The policy dimension a moderator named: by code ("O2", "O2: Hate & Harassment"; the name wins
 * when the two disagree), by name, or the one policy name the text contains. Returns null for "NA: None applying" or an empty
 * value, undefined when the text names no dimension of this policy.
 */
export function parseDimension(value: unknown, policy: Policy): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  if (isNullWord(trimmed) || /^na\b/i.test(trimmed) || /^none\b/i.test(trimmed)) return null;
  const code = /^O(\d+)\b\s*[:.\-–)]?\s*(.*)$/i.exec(trimmed);
  if (code) {
    const byCode = dimensionByCode(policy, `O${code[1]}`);
    const rest = code[2]?.trim() ?? "";
    // When code and name disagree the name wins: models trained on the default numbering keep its codes.
    if (byCode && (rest === "" || findDimension([byCode], rest))) return byCode.name;
    if (rest !== "") return findDimension(policy.dimensions, rest)?.name;
    return undefined;
  }
  const byName = findDimension(policy.dimensions, trimmed);
  if (byName) return byName.name;
  const lowered = trimmed.toLowerCase();
  const mentioned = policy.dimensions.filter((dimension) => lowered.includes(dimension.name.toLowerCase()));
  return mentioned.length === 1 ? mentioned[0]?.name : undefined;
}

const TURN_REFERENCE = /\bturns?\s*#?\s*(\d+(?:\s*(?:,|and|&|-|–|to|\s)\s*#?\s*\d+)*)/gi;
const IMAGE_REFERENCE = /\bimage\s*#?\s*(\d+)/gi;

/**
 * The turns and images a rationale cites: "turn 3", "turns 2-4", "turns 1 and 3", "Image2".
 * Turn N is the N-th entry of the moderation history (system messages excluded) and is
 * returned as the dialogue message index; numbers outside the dialogue are dropped.
 */
export function parseEvidence(rationale: string, dialogue: Dialogue): Evidence {
  const history = moderationHistory(dialogue);
  const messages = new Set<number>();
  for (const match of rationale.matchAll(TURN_REFERENCE)) {
    const list = match[1] ?? "";
    for (const piece of list.split(/\s*(?:,|and|&)\s*/i)) {
      const range = /(\d+)\s*(?:-|–|to)\s*#?\s*(\d+)/i.exec(piece);
      const numbers = range
        ? span(Number(range[1]), Number(range[2]))
        : (piece.match(/\d+/g) ?? []).map(Number);
      for (const number of numbers) {
        const index = history.messageIndices[number - 1];
        if (number >= 1 && index !== undefined) messages.add(index);
      }
    }
  }
  const images = new Set<number>();
  for (const match of rationale.matchAll(IMAGE_REFERENCE)) {
    const number = Number(match[1]);
    if (number >= 1 && number <= history.images.length) images.add(number);
  }
  return {
    messages: [...messages].sort((a, b) => a - b),
    images: [...images].sort((a, b) => a - b),
  };
}

function span(from: number, to: number): number[] {
  if (!(to >= from) || to - from > 100) return [from, to];
  return Array.from({ length: to - from + 1 }, (_, offset) => from + offset);
}

/**
 * Asks a moderator model (role `moderator`) and reads its six-field answer. A failed call is an
 * errored result with the reason; cancellation is passed on.
 */
export async function askModerationModel(
  caller: ModelCaller,
  target: Target,
  request: TargetRequest,
  step: string,
  policy: Policy,
  dialogue: Dialogue,
): Promise<ModerationResult> {
  let text: string;
  try {
    text = (await caller.call("moderator", target, request, step)).text;
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    return erroredResult(describeError(error));
  }
  return parseModerationOutput(text, policy, dialogue);
}
