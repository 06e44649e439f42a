import type { Dialogue } from "../../dialogue/dialogue.ts";
import { describeError, TargetError } from "../../errors.ts";
import { jsonResponse } from "../../http/json.ts";
import { type CompletionHeader, SSE_HEADERS, type WireObject } from "../../http/openai-wire.ts";
import type { AuditFacts, RequestFacts } from "./guard-audit-entry.ts";
import type { GuardOutcome } from "./guard-metrics.ts";
import { type BlockReason, blockedCompletion, blockedStreamText } from "./guard-responses.ts";
import type { GuardedStreamResult } from "./guard-stream.ts";
import type { SideDecision } from "./moderate-side.ts";

/** How a request ended: its outcome, what its steps found, and the answer. */
export interface Ending {
  outcome: GuardOutcome;
  facts: AuditFacts;
  response: Response;
}

/** Step 5 when the input was blocked: the refusal, streamed or not. */
export function blockedUserResponse(
  header: CompletionHeader,
  refusal: string,
  reason: BlockReason,
  stream: boolean,
  headers: Record<string, string>,
): Response {
  if (stream)
    return new Response(blockedStreamText(header, refusal, reason), {
      status: 200,
      headers: { ...SSE_HEADERS, ...headers },
    });
  return jsonResponse(200, JSON.stringify(blockedCompletion(header, refusal, reason)), headers);
}

/** How a relayed stream ended, as an outcome and audit facts. */
export function streamEnding(
  result: GuardedStreamResult,
  request: RequestFacts,
  user: SideDecision,
  upstreamLatencyMs: number,
): Omit<Ending, "response"> {
  const outcome: GuardOutcome =
    result.cancelled || isAborted(result.error)
      ? "cancelled"
      : result.error
        ? "upstream_error"
        : result.decision?.outcome === "blocked"
          ? "blocked_assistant"
          : "allowed";
  const error = result.error ? describeError(result.error) : result.cancelled ? "the client went away" : null;
  const facts: AuditFacts = {
    request,
    user,
    assistant: result.decision,
    upstreamLatencyMs,
    assistantChecks: result.checks,
    assistantLatencyMs: result.checks > 0 ? result.checkMs : null,
    error,
  };
  return { outcome, facts };
}

/** The moderated conversation with the assistant's reply appended. */
export function withReply(moderated: Dialogue, reply: string): Dialogue {
  return {
    ...moderated,
    messages: [...moderated.messages, { role: "assistant", content: [{ type: "text", text: reply }] }],
  };
}

export function isAborted(error: unknown): boolean {
  return error instanceof TargetError && error.kind === "aborted";
}

/** Defers opening the upstream stream until the relay starts reading it. */
export async function* streamOf(open: () => Promise<AsyncIterable<WireObject>>): AsyncGenerator<WireObject> {
  yield* await open();
}
