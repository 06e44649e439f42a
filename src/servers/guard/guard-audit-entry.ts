import type { Dialogue } from "../../dialogue/dialogue.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import type { GuardAuditEntry } from "./guard-audit-log.ts";
import type { GuardOptions } from "./guard-options.ts";
import type { SideDecision } from "./moderate-side.ts";

/** What the request was, once it has been read (a rejected request has none). */
export interface RequestFacts {
  model: string | null;
  stream: boolean;
  messageCount: number;
  imageHashes: string[];
  dialogueHash: string;
}

/** What the steps of a request found, from which its audit entry is built at the end. */
export interface AuditFacts {
  request?: RequestFacts;
  user?: SideDecision;
  /** The assistant-side decision (a stream's last, or blocking, one). */
  assistant?: SideDecision | null;
  assistantChecks?: number;
  /** Total time of the assistant-side checks; null when none ran. */
  assistantLatencyMs?: number | null;
  upstreamLatencyMs?: number | null;
  error?: string | null;
}

/** The finished audit entry of a request, built from its steps' results. */
export function auditEntry(
  base: { requestId: string; createdAt: string },
  options: GuardOptions,
  outcome: string,
  facts: AuditFacts,
  totalLatencyMs: number,
): GuardAuditEntry {
  const entry = newEntry(base.requestId, options);
  entry.createdAt = base.createdAt;
  entry.outcome = outcome;
  entry.totalLatencyMs = totalLatencyMs;
  if (facts.request) Object.assign(entry, facts.request);
  if (facts.user) recordSide(entry, facts.user);
  if (facts.assistant) recordSide(entry, facts.assistant);
  if (facts.assistantChecks !== undefined) entry.assistantChecks = facts.assistantChecks;
  if (facts.assistantLatencyMs !== undefined) entry.assistantLatencyMs = facts.assistantLatencyMs;
  if (facts.upstreamLatencyMs !== undefined) entry.upstreamLatencyMs = facts.upstreamLatencyMs;
  if (facts.error !== undefined) entry.error = facts.error;
  return entry;
}

function recordSide(entry: GuardAuditEntry, decision: SideDecision): void {
  const verdict = decision.verdict;
  if (decision.side === "user") {
    entry.userRating = verdict?.rating ?? null;
    entry.userDimension = verdict?.dimension ?? null;
    entry.userRationale = verdict?.rationale ?? null;
    entry.userLatencyMs = decision.latencyMs;
  } else {
    entry.assistantRating = verdict?.rating ?? null;
    entry.assistantDimension = verdict?.dimension ?? null;
    entry.assistantRationale = verdict?.rationale ?? null;
  }
  if (decision.failure !== null)
    entry.moderatorError = entry.moderatorError
      ? `${entry.moderatorError}; ${decision.failure}`
      : decision.failure;
}

/** An audit entry with nothing known yet beyond the guard's settings. */
export function newEntry(requestId: string, options: GuardOptions): GuardAuditEntry {
  return {
    requestId,
    createdAt: new Date().toISOString(),
    model: null,
    stream: false,
    outcome: "rejected",
    moderator: options.moderator.name,
    policy: options.policy.name,
    upstream: options.upstream.description,
    userRating: null,
    userDimension: null,
    userRationale: null,
    assistantRating: null,
    assistantDimension: null,
    assistantRationale: null,
    moderatorError: null,
    failOpen: options.failOpen ?? false,
    userLatencyMs: null,
    assistantLatencyMs: null,
    assistantChecks: 0,
    upstreamLatencyMs: null,
    totalLatencyMs: 0,
    messageCount: 0,
    imageHashes: [],
    dialogueHash: "",
    error: null,
  };
}

/** sha256 of the messages with each image replaced by its hash, so audits never hold image bytes. */
export function dialogueDigest(dialogue: Dialogue): string {
  const messages = dialogue.messages.map((message) => ({
    role: message.role,
    content: message.content.map((part) => (part.type === "image" ? { image: part.image.sha256 } : part)),
  }));
  return sha256Hex(JSON.stringify(messages));
}

/** The operator's one-line summary of a request: ids, outcome and verdicts, never content. */
export function logLine(entry: GuardAuditEntry): string {
  const side = (rating: string | null, dimension: string | null) =>
    rating === null ? "-" : dimension ? `${rating}(${dimension})` : rating;
  return [
    entry.requestId,
    entry.outcome,
    `model=${entry.model ?? "-"}`,
    `stream=${entry.stream}`,
    `user=${side(entry.userRating, entry.userDimension)}`,
    `assistant=${side(entry.assistantRating, entry.assistantDimension)}`,
    `ms=${entry.totalLatencyMs.toFixed(1)}`,
    ...(entry.moderatorError ? [`moderator_error=${JSON.stringify(entry.moderatorError)}`] : []),
    ...(entry.error ? [`error=${JSON.stringify(entry.error)}`] : []),
  ].join(" ");
}
