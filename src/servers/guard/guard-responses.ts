import {
  type CompletionHeader,
  chatCompletion,
  completionChunk,
  SSE_DONE,
  sseEvent,
  type WireObject,
} from "../../http/openai-wire.ts";
import type { GuardSide, SideDecision } from "./moderate-side.ts";
import { MODERATOR_UNAVAILABLE } from "./moderate-side.ts";

/** The machine-readable reason attached to a blocked answer as its top-level `turnsafe` field. */
export interface BlockReason {
  blocked: true;
  side: GuardSide;
  /** `policy`: the moderator rated the side unsafe; `moderator unavailable`: it gave no verdict. */
  reason: "policy" | typeof MODERATOR_UNAVAILABLE;
  dimension: string | null;
  rationale: string;
  request_id: string;
}

/** The default refusal shown to people instead of a blocked answer. */
export const DEFAULT_REFUSAL = "I'm sorry, but I can't help with that request.";

/**
 * Builds the reason for a blocked side. The rationale never carries the moderator's raw error,
 * and for the assistant side it is a fixed sentence: a moderator's rationale may quote the
 * very answer that was withheld (the full rationale is kept in the audit log).
 */
export function blockReason(decision: SideDecision, requestId: string): BlockReason {
  if (decision.verdict === null)
    return {
      blocked: true,
      side: decision.side,
      reason: MODERATOR_UNAVAILABLE,
      dimension: null,
      rationale: MODERATOR_UNAVAILABLE,
      request_id: requestId,
    };
  return {
    blocked: true,
    side: decision.side,
    reason: "policy",
    dimension: decision.verdict.dimension,
    rationale:
      decision.side === "user"
        ? decision.verdict.rationale
        : `the answer was rated unsafe${decision.verdict.dimension ? ` under ${decision.verdict.dimension}` : ""}`,
    request_id: requestId,
  };
}

/** A `chat.completion` whose message is the refusal, with `finish_reason: content_filter`. */
export function blockedCompletion(
  header: CompletionHeader,
  refusal: string,
  reason: BlockReason,
  usage?: unknown,
): WireObject {
  return chatCompletion(
    header,
    { role: "assistant", content: refusal, refusal: null },
    "content_filter",
    usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    { turnsafe: reason },
  );
}

/** A whole refusal stream: the role, the refusal, a `content_filter` finish carrying the reason, `[DONE]`. */
export function blockedStreamText(header: CompletionHeader, refusal: string, reason: BlockReason): string {
  return (
    sseEvent(completionChunk(header, { role: "assistant", content: "" }, null)) +
    sseEvent(completionChunk(header, { content: refusal }, null)) +
    sseEvent(completionChunk(header, {}, "content_filter", { turnsafe: reason })) +
    SSE_DONE
  );
}
