import { randomUUID } from "node:crypto";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { DEFAULT_FETCH_POLICY } from "../../dialogue/safe-fetch.ts";
import { describeError, InputError } from "../../errors.ts";
import { jsonResponse, parseJsonOrUndefined } from "../../http/json.ts";
import { type CompletionHeader, errorBody, type WireObject } from "../../http/openai-wire.ts";
import { redactSecrets, redactSecretsDeep } from "../../http/redact-secrets.ts";
import { completionText } from "./answer-text.ts";
import { auditEntry, dialogueDigest, logLine, type RequestFacts } from "./guard-audit-entry.ts";
import {
  blockedUserResponse,
  type Ending,
  isAborted,
  streamEnding,
  streamOf,
  withReply,
} from "./guard-chat-steps.ts";
import type { GuardMetrics } from "./guard-metrics.ts";
import { DEFAULT_MODERATION_TIMEOUT_MS, type GuardOptions } from "./guard-options.ts";
import { blockedCompletion, blockReason, DEFAULT_REFUSAL } from "./guard-responses.ts";
import { guardStream } from "./guard-stream.ts";
import { DEFAULT_MAX_JSON_DEPTH, nestedDeeperThan } from "./json-depth.ts";
import { directCaller, type GuardSide, moderateSide, type SideDecision } from "./moderate-side.ts";
import { type GuardChatRequest, readGuardChatRequest } from "./openai-chat-request.ts";
import { upstreamFailure } from "./upstream-failure.ts";

/** A request read and understood, or why it was rejected (400). */
type ReadResult =
  | { request: GuardChatRequest; facts: RequestFacts; header: CompletionHeader }
  | { rejected: string; param: string | null };

/** The upstream's completion, or its failure; either way how long it took. */
type UpstreamResult = { completion: WireObject; latencyMs: number } | { failure: unknown; latencyMs: number };

/**
 * Builds the `/v1/chat/completions` handler as named steps: read the request, moderate the
 * input, call the upstream, moderate the output, respond (or stream). Each step returns what
 * it found; the audit entry is built from those results once the request has ended.
 */
export function createChatHandler(options: GuardOptions, metrics: GuardMetrics) {
  const secrets = options.secrets ?? [];
  const refusal = options.refusal ?? DEFAULT_REFUSAL;
  const moderation = {
    moderator: options.moderator,
    policy: options.policy,
    caller: options.caller ?? directCaller,
    failOpen: options.failOpen ?? false,
    timeoutMs: options.moderationTimeoutMs ?? DEFAULT_MODERATION_TIMEOUT_MS,
  };
  const fetchPolicy = { ...DEFAULT_FETCH_POLICY, ...options.imageFetchPolicy, allow: true };
  const maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;

  /** Step 1: the body as a guard request, or why it is rejected. */
  async function readRequest(text: string, requestId: string, signal: AbortSignal): Promise<ReadResult> {
    if (nestedDeeperThan(text, maxDepth))
      return { rejected: `the request body nests JSON deeper than ${maxDepth} levels`, param: null };
    const body = parseJsonOrUndefined(text);
    if (body === undefined) return { rejected: "the request body is not valid JSON", param: null };
    let request: GuardChatRequest;
    try {
      request = await readGuardChatRequest(body, requestId, {
        fetchImages: options.fetchImages ?? false,
        fetchPolicy,
        signal,
        maxMessages: options.maxMessages,
        maxTextChars: options.maxTextChars,
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return { rejected: error.message, param: error.where ?? null };
    }
    const facts: RequestFacts = {
      model: request.model ?? null,
      stream: request.stream,
      messageCount: request.dialogue.messages.length,
      imageHashes: request.imageHashes,
      dialogueHash: dialogueDigest(request.dialogue),
    };
    const header = {
      id: `chatcmpl-${requestId}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model ?? "turnsafe-guard",
    };
    return { request, facts, header };
  }

  /** Steps 2 and 4: one side's decision, counted in the metrics. */
  async function moderate(dialogue: Dialogue, side: GuardSide): Promise<SideDecision> {
    const decision = await moderateSide(dialogue, side, { ...moderation, checkHistory: side === "user" });
    metrics.observeModeration(side, decision.latencyMs);
    if (decision.failure !== null) metrics.countModeratorError(side);
    if (decision.outcome === "blocked") metrics.countBlocked(side);
    return decision;
  }

  /** Step 3: the upstream's completion, with any echoed secret redacted. */
  async function callUpstream(request: GuardChatRequest, signal: AbortSignal): Promise<UpstreamResult> {
    const started = performance.now();
    try {
      const completion = redactSecretsDeep(await options.upstream.complete(request, signal), secrets);
      return { completion, latencyMs: performance.now() - started };
    } catch (failure) {
      return { failure, latencyMs: performance.now() - started };
    }
  }

  /** The client's answer to an upstream failure. */
  function failed(error: unknown, headers: Record<string, string>): Response {
    const failure = upstreamFailure(error, secrets);
    return jsonResponse(failure.status, failure.body, { ...headers, ...failure.headers });
  }

  /** Steps 3 to 5 without streaming: forward, moderate the answer, respond. */
  async function completeAndRespond(
    read: { request: GuardChatRequest; header: CompletionHeader },
    user: SideDecision,
    requestId: string,
    signal: AbortSignal,
    headers: Record<string, string>,
  ): Promise<Ending> {
    const upstream = await callUpstream(read.request, signal);
    const upstreamLatencyMs = upstream.latencyMs;
    if ("failure" in upstream) {
      const outcome = isAborted(upstream.failure) ? "cancelled" : "upstream_error";
      const error = describeError(upstream.failure);
      return {
        outcome,
        facts: { user, upstreamLatencyMs, error },
        response: failed(upstream.failure, headers),
      };
    }
    const completion = upstream.completion;
    let reply: string;
    try {
      reply = completionText(completion);
    } catch (failure) {
      const facts = { user, upstreamLatencyMs, error: describeError(failure) };
      return { outcome: "upstream_error", facts, response: failed(failure, headers) };
    }
    const assistant = await moderate(withReply(read.request.moderation, reply), "assistant");
    const facts = {
      user,
      assistant,
      upstreamLatencyMs,
      assistantLatencyMs: assistant.latencyMs,
      assistantChecks: 1,
    };
    if (assistant.outcome === "failed-open") headers["x-turnsafe-moderation"] = "failed-open";
    if (assistant.outcome !== "blocked")
      return { outcome: "allowed", facts, response: jsonResponse(200, JSON.stringify(completion), headers) };
    const upstreamHeader: CompletionHeader = {
      id: typeof completion.id === "string" ? completion.id : read.header.id,
      created: typeof completion.created === "number" ? completion.created : read.header.created,
      model: typeof completion.model === "string" ? completion.model : read.header.model,
    };
    const replaced = blockedCompletion(
      upstreamHeader,
      refusal,
      blockReason(assistant, requestId),
      completion.usage,
    );
    const response = jsonResponse(200, JSON.stringify(replaced), {
      ...headers,
      "x-turnsafe-blocked": "assistant",
    });
    return { outcome: "blocked_assistant", facts, response };
  }

  /** Writes the audit entry built from the steps' results and counts the outcome. */
  function audit(requestId: string, createdAt: string, arrived: number, ending: Omit<Ending, "response">) {
    metrics.countRequest(ending.outcome);
    const outcome = ending.outcome.replace("_", "-");
    const row = auditEntry(
      { requestId, createdAt },
      options,
      outcome,
      ending.facts,
      performance.now() - arrived,
    );
    if (row.error !== null) row.error = redactSecrets(row.error, secrets);
    if (row.moderatorError !== null) row.moderatorError = redactSecrets(row.moderatorError, secrets);
    options.audit?.record(row);
    options.log?.(redactSecrets(logLine(row), secrets));
  }

  return async function handleChat(raw: Request, text: string): Promise<Response> {
    const requestId = `guard-${randomUUID()}`;
    const arrived = performance.now();
    const createdAt = new Date().toISOString();
    const headers: Record<string, string> = { "x-request-id": requestId };
    const end = (ending: Ending): Response => {
      audit(requestId, createdAt, arrived, ending);
      return ending.response;
    };

    const read = await readRequest(text, requestId, raw.signal);
    if ("rejected" in read) {
      const response = jsonResponse(400, errorBody(400, read.rejected, { param: read.param }), headers);
      return end({ outcome: "rejected", facts: { error: read.rejected }, response });
    }
    const request = read.request;
    const user = await moderate(request.moderation, "user");
    if (user.outcome === "failed-open") headers["x-turnsafe-moderation"] = "failed-open";
    if (user.outcome === "blocked") {
      const response = blockedUserResponse(
        read.header,
        refusal,
        blockReason(user, requestId),
        request.stream,
        {
          ...headers,
          "x-turnsafe-blocked": "user",
        },
      );
      return end({ outcome: "blocked_user", facts: { request: read.facts, user }, response });
    }

    const upstreamAbort = new AbortController();
    const signal = AbortSignal.any([raw.signal, upstreamAbort.signal]);
    if (!request.stream) {
      const ending = await completeAndRespond(read, user, requestId, signal, headers);
      return end({ ...ending, facts: { request: read.facts, ...ending.facts } });
    }
    const upstreamStarted = performance.now();
    return new Promise<Response>((resolve) => {
      guardStream({
        chunks: streamOf(() => options.upstream.stream(request, signal)),
        windowChars: options.streamWindowChars ?? 0,
        boundary: options.streamBoundary ?? "sentence",
        secrets,
        check: (reply) => moderate(withReply(request.moderation, reply), "assistant"),
        refusal,
        requestId,
        header: read.header,
        responseHeaders: headers,
        abort: () => upstreamAbort.abort(),
        onDone(result) {
          // The response itself was resolved earlier; this only audits and counts.
          const upstreamLatencyMs = performance.now() - upstreamStarted - result.checkMs;
          audit(requestId, createdAt, arrived, streamEnding(result, read.facts, user, upstreamLatencyMs));
        },
      }).then(resolve, (error: unknown) => resolve(failed(error, headers)));
    });
  };
}
