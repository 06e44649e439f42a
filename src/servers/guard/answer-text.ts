import { TargetError } from "../../errors.ts";
import { isRecord } from "../../http/json.ts";
import { CHOICE_FIELDS, COMPLETION_FIELDS } from "./chat-fields.ts";

/** Keys inside a moderated answer field that hold identifiers, counters or bytes, not text. */
const NOT_TEXT = new Set([
  "role",
  "type",
  "id",
  "index",
  "tool_call_id",
  "expires_at",
  "data", // audio bytes (audio output is refused in requests; its transcript is moderated)
  "logprob",
  "bytes",
  "start_index",
  "end_index",
]);

/** Deeper than this, an upstream answer is treated as malformed rather than walked. */
const MAX_ANSWER_DEPTH = 64;

const SENTENCE_END = /(?:[.!?。！？…]["'”’)\]]*|\n)\s*$/u;

/**
 * The text of an upstream answer that the client will read, gathered from every choice and
 * every field that is not metadata (content, refusal, reasoning, tool and legacy function
 * calls, audio transcripts, citations, log-probability tokens, and fields unknown to the
 * guard), so the assistant-side check sees all of it. Stream chunks are added one by one;
 * each field of each choice is kept as its own growing segment, so interleaved choices and
 * tool-call fragments are joined in the right order.
 */
export class AnswerText {
  readonly #segments = new Map<string, string>();
  #lastPath = "";
  /** Characters gathered so far. */
  length = 0;

  /** Adds a completion or a stream chunk; returns the number of characters it added. */
  add(answer: Record<string, unknown>): number {
    const before = this.length;
    for (const [key, value] of Object.entries(answer)) {
      const treatment = COMPLETION_FIELDS[key as keyof typeof COMPLETION_FIELDS];
      if (treatment === "passthrough-metadata") continue;
      if (key === "choices" && Array.isArray(value)) {
        value.forEach((choice: unknown, position) => {
          if (!isRecord(choice)) {
            this.#visit(choice, `choice/${position}`, 1);
            return;
          }
          const index = typeof choice.index === "number" ? choice.index : position;
          for (const [field, inner] of Object.entries(choice)) {
            const fieldTreatment = CHOICE_FIELDS[field as keyof typeof CHOICE_FIELDS];
            if (fieldTreatment === "passthrough-metadata") continue;
            // A non-streamed message and a stream delta of the same choice build the same segments.
            const name = field === "delta" ? "message" : field;
            this.#visit(inner, `choice/${index}/${name}`, 2);
          }
        });
      } else this.#visit(value, key, 1);
    }
    return this.length - before;
  }

  /** Everything gathered, one segment a line, in the order the segments began. */
  text(): string {
    return [...this.#segments.values()].join("\n");
  }

  /** The segment that grew last (where a split secret would be arriving). */
  lastSegment(): string {
    return this.#segments.get(this.#lastPath) ?? "";
  }

  /** True when every segment ends at a sentence end (or nothing has arrived yet). */
  atSentenceEnd(): boolean {
    for (const segment of this.#segments.values()) if (!SENTENCE_END.test(segment.slice(-16))) return false;
    return true;
  }

  #visit(value: unknown, path: string, depth: number): void {
    if (depth > MAX_ANSWER_DEPTH)
      throw new TargetError("malformed", `upstream answer is nested deeper than ${MAX_ANSWER_DEPTH} levels`);
    if (typeof value === "string") {
      if (value === "") return;
      this.#segments.set(path, (this.#segments.get(path) ?? "") + value);
      this.#lastPath = path;
      this.length += value.length;
    } else if (Array.isArray(value)) {
      value.forEach((item: unknown, position) => {
        const index = isRecord(item) && typeof item.index === "number" ? item.index : position;
        this.#visit(item, `${path}/${index}`, depth + 1);
      });
    } else if (isRecord(value)) {
      for (const [key, inner] of Object.entries(value))
        if (!NOT_TEXT.has(key)) this.#visit(inner, `${path}/${key}`, depth + 1);
    }
  }
}

/** The text a completion shows its client (all choices), for the assistant-side check. */
export function completionText(completion: Record<string, unknown>): string {
  const text = new AnswerText();
  text.add(completion);
  return text.text();
}
