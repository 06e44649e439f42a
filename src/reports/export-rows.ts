import { type Dialogue, type Message, type Part, userTurnCount } from "../dialogue/dialogue.ts";
import { type PlayedMessage, playedConversation } from "../drivers/played-transcript.ts";
import { targetStatus } from "../engine/run-cases.ts";
import type { CaseRecord, ScoreRecord, Store } from "../engine/store.ts";

/** What one case produced for one target (or moderator, or arm): the recipe-specific part of a row. */
export interface ExportUnit {
  /** Whose answers or verdicts these are; scores `<judge>@<target>` belong to it. Null: the whole case. */
  target: string | null;
  /** Why this unit failed, if it did (the row is then `errored`). */
  error: string | null;
  answers: string[];
  /** The conversation as played (see exportTranscript); absent where the unit has none. */
  transcript?: ExportTranscript | null;
  /** The label the case is expected to get (e.g. `refuse`, or a moderation side's gold rating). */
  expected: string | null;
  /** Other recipe-specific facts worth a column (defence, method, rejected attempts...). */
  details: Record<string, unknown>;
}

/**
 * A unit's conversation in an export row: the messages as played (images by reference, inline
 * bytes left out), each answer with the work key of its stored call; `asPlayed` false when the
 * result was stored without its transcript (then: the source dialogue, then the answers).
 */
export interface ExportTranscript {
  asPlayed: boolean;
  messages: { role: Message["role"]; content: Part[]; call?: string }[];
}

/** The export form of a stored target outcome's conversation (see playedConversation). */
export function exportTranscript(
  dialogue: Dialogue,
  outcome: { answers?: readonly { text: string }[]; played?: readonly PlayedMessage[] },
): ExportTranscript {
  const { messages, asPlayed, calls } = playedConversation(dialogue, outcome);
  return {
    asPlayed,
    messages: messages.map((message, index) => {
      const content = message.content.map((part): Part => {
        if (part.type !== "image" || part.image.base64 === undefined) return part;
        const { base64: _bytes, ...image } = part.image;
        return { type: "image", image };
      });
      const call = calls[index];
      return call ? { role: message.role, content, call } : { role: message.role, content };
    }),
  };
}

/** Reads a stored case into its export units; each recipe stores its result in its own shape. */
export type ExportUnits = (record: CaseRecord) => ExportUnit[];

/** One exported result: a case as answered by one target, with its judges' verdicts. */
export interface ExportRow {
  runId: string;
  caseId: string;
  target: string | null;
  userTurns: number;
  status: string;
  error: string | null;
  expected: string | null;
  finalAnswer: string | null;
  answers: string[];
  /** The conversation as played, in JSONL exports (null where the unit has none). */
  transcript: ExportTranscript | null;
  labels: Record<string, unknown>;
  metadata: Record<string, unknown>;
  details: Record<string, unknown>;
  scores: Record<
    string,
    { status: string; label: string | null; value: number | null; explanation: string | null }
  >;
}

/** The dialogue's own `labels.expected`, when it is a string. */
export function expectedLabel(record: CaseRecord): string | null {
  const expected = record.dialogue.labels.expected;
  return typeof expected === "string" ? expected : null;
}

/**
 * Streams a run's results, one row per case and unit (target, moderator, arm); a case with
 * no unit (not played, or failed before any target answered) gets one row with every score.
 */
export function* exportRows(store: Store, runId: string, units: ExportUnits): Generator<ExportRow> {
  for (const record of store.iterateCases(runId)) {
    const scores = store.scoresForCase(runId, record.caseId);
    const base = {
      runId,
      caseId: record.caseId,
      userTurns: userTurnCount(record.dialogue.messages),
      labels: record.dialogue.labels,
      metadata: record.dialogue.metadata,
    };
    const found = record.result === null || record.result === undefined ? [] : units(record);
    if (found.length === 0) {
      yield {
        ...base,
        target: null,
        status: record.status,
        error: record.error,
        expected: expectedLabel(record),
        finalAnswer: null,
        answers: [],
        transcript: null,
        details: {},
        scores: scoresOf(scores, null),
      };
      continue;
    }
    for (const unit of found) {
      yield {
        ...base,
        target: unit.target,
        status:
          unit.target === null ? record.status : targetStatus(record.status, { error: unit.error ?? null }),
        error: unit.error ?? (unit.target === null ? record.error : null),
        expected: unit.expected,
        finalAnswer: unit.answers.at(-1) ?? null,
        answers: unit.answers,
        transcript: unit.transcript ?? null,
        details: unit.details,
        scores: scoresOf(scores, unit.target),
      };
    }
  }
}

/**
 * A unit's scores by judge name. Scorers are `<judge>@<target>` and a target may itself hold
 * an `@` (`openai-compatible:model@http://...`), so the unit's own scores are matched by suffix.
 */
function scoresOf(scores: ScoreRecord[], target: string | null): ExportRow["scores"] {
  const out: ExportRow["scores"] = {};
  for (const score of scores) {
    let judge: string;
    if (target === null) {
      const at = score.scorer.indexOf("@");
      judge = at >= 0 ? score.scorer.slice(0, at) : score.scorer;
    } else if (score.scorer.endsWith(`@${target}`)) {
      judge = score.scorer.slice(0, -(target.length + 1));
    } else continue;
    out[judge] = {
      status: score.status,
      label: score.label,
      value: score.value,
      explanation: score.explanation,
    };
  }
  return out;
}

/** Quotes a CSV field when it needs it (RFC 4180). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text =
    typeof value === "string"
      ? value
      : typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : JSON.stringify(value);
  // A leading = + - @ would be run as a formula by spreadsheets; prefix a quote so it stays text.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV header and row encoder for export rows, given the judge names to lay out as columns. */
export function csvColumns(judges: readonly string[]): { header: string; encode(row: ExportRow): string } {
  const columns = [
    "run_id",
    "case_id",
    "target",
    "user_turns",
    "status",
    "error",
    "expected",
    "final_answer",
    "details",
  ];
  for (const judge of judges) columns.push(`${judge}_status`, `${judge}_label`, `${judge}_value`);
  return {
    header: columns.map(csvField).join(","),
    encode(row) {
      const cells: unknown[] = [
        row.runId,
        row.caseId,
        row.target,
        row.userTurns,
        row.status,
        row.error,
        row.expected,
        row.finalAnswer,
        Object.keys(row.details).length > 0 ? row.details : null,
      ];
      for (const judge of judges) {
        const score = row.scores[judge];
        cells.push(score?.status, score?.label, score?.value);
      }
      return cells.map(csvField).join(",");
    },
  };
}
