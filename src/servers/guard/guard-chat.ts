import { randomUUID } from "node:crypto";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { DEFAULT_FETCH_POLICY } from "../../dialogue/safe-fetch.ts";
import { describeError, InputError, TargetError } from "../../errors.ts";
import { completionText } from "./answer-text.ts";
import { dialogueDigest, logLine, newEntry, recordSide } from "./guard-audit-entry.ts";
import type { GuardAuditEntry } from "./guard-audit-log.ts";
import type { GuardMetrics, GuardOutcome } from "./guard-metrics.ts";
import { DEFAULT_MODERATION_TIMEOUT_MS, type GuardOptions } from "./guard-options.ts";
import {
  blockedCompletion,
  blockedStreamText,
  blockReason,
  type CompletionHeader,
  DEFAULT_REFUSAL,
  errorBody,
  SSE_HEADERS,
} from "./guard-responses.ts";
import { guardStream } from "./guard-stream.ts";
import { DEFAULT_MAX_JSON_DEPTH, nestedDeeperThan } from "./json-depth.ts";
import { directCaller, type GuardSide, moderateSide, type SideDecision } from "./moderate-side.ts";
import { type GuardChatRequest, readGuardChatRequest } from "./openai-chat-request.ts";
import { scrubSecrets, scrubSecretsDeep } from "./scrub-secrets.ts";
import { upstreamFailure } from "./upstream-failure.ts";

const JSON_HEADERS = { "content-type": "application/json" };

/**
 * Builds the `/v1/chat/completions` handler: read the request into a dialogue, check the
 * user side, forward, check the assistant side, answer (or refuse), then audit and count.
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

  const check = async (dialogue: Dialogue, side: GuardSide): Promise<SideDecision> => {
    const decision = await moderateSide(dialogue, side, { ...moderation, checkHistory: side === "user" });
    metrics.observeModeration(side, decision.latencyMs);
    if (decision.failure !== null) metrics.countModeratorError(side);
    if (decision.outcome === "blocked") metrics.countBlocked(side);
    return decision;
  };

  return async function handleChat(raw: Request, text: string): Promise<Response> {
    const requestId = `guard-${randomUUID()}`;
    const arrived = performance.now();
    const entry = newEntry(requestId, options);
    const headers: Record<string, string> = { "x-request-id": requestId };
    const finish = (outcome: GuardOutcome, response: Response): Response => {
      entry.outcome = outcome.replace("_", "-");
      entry.totalLatencyMs = performance.now() - arrived;
      metrics.countRequest(outcome);
      audit(entry);
      return response;
    };
    const audit = (row: GuardAuditEntry) => {
      row.error = row.error === null ? null : scrubSecrets(row.error, secrets);
      row.moderatorError = row.moderatorError === null ? null : scrubSecrets(row.moderatorError, secrets);
      options.audit?.record(row);
      options.log?.(scrubSecrets(logLine(row), secrets));
    };

    let body: unknown;
    const maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
    if (nestedDeeperThan(text, maxDepth)) {
      entry.error = `the request body nests JSON deeper than ${maxDepth} levels`;
      return finish("rejected", json(400, errorBody(400, entry.error), headers));
    }
    try {
      body = JSON.parse(text);
    } catch {
      entry.error = "the request body is not valid JSON";
      return finish("rejected", json(400, errorBody(400, entry.error), headers));
    }
    let request: GuardChatRequest;
    try {
      request = await readGuardChatRequest(body, requestId, {
        fetchImages: options.fetchImages ?? false,
        fetchPolicy,
        signal: raw.signal,
        maxMessages: options.maxMessages,
        maxTextChars: options.maxTextChars,
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      entry.error = error.message;
      const param = error.where ?? null;
      return finish("rejected", json(400, errorBody(400, error.message, { param }), headers));
    }
    entry.model = request.model ?? null;
    entry.stream = request.stream;
    entry.messageCount = request.dialogue.messages.length;
    const moderated = request.moderation;
    entry.imageHashes = request.imageHashes;
    entry.dialogueHash = dialogueDigest(request.dialogue);
    const header: CompletionHeader = {
      id: `chatcmpl-${requestId}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model ?? "turnsafe-guard",
    };

    const user = await check(moderated, "user");
    recordSide(entry, user);
    if (user.outcome === "failed-open") headers["x-turnsafe-moderation"] = "failed-open";
    if (user.outcome === "blocked") {
      const reason = blockReason(user, requestId);
      const blockedHeaders = { ...headers, "x-turnsafe-blocked": "user" };
      const response = request.stream
        ? new Response(blockedStreamText(header, refusal, reason), {
            status: 200,
            headers: { ...SSE_HEADERS, ...blockedHeaders },
          })
        : json(200, JSON.stringify(blockedCompletion(header, refusal, reason)), blockedHeaders);
      return finish("blocked_user", response);
    }

    const upstreamAbort = new AbortController();
    const signal = AbortSignal.any([raw.signal, upstreamAbort.signal]);
    const withReply = (reply: string): Dialogue => ({
      ...moderated,
      messages: [...moderated.messages, { role: "assistant", content: [{ type: "text", text: reply }] }],
    });
    const upstreamStarted = performance.now();
    if (request.stream) {
      return new Promise<Response>((resolve) => {
        guardStream({
          chunks: streamOf(() => options.upstream.stream(request, signal)),
          windowChars: options.streamWindowChars ?? 0,
          boundary: options.streamBoundary ?? "sentence",
          secrets,
          check: (reply) => check(withReply(reply), "assistant"),
          refusal,
          requestId,
          header,
          responseHeaders: headers,
          abort: () => upstreamAbort.abort(),
          onDone(result) {
            entry.upstreamLatencyMs = performance.now() - upstreamStarted - result.checkMs;
            entry.assistantChecks = result.checks;
            entry.assistantLatencyMs = result.checks > 0 ? result.checkMs : null;
            if (result.decision) recordSide(entry, result.decision);
            if (result.error) entry.error = describeError(result.error);
            else if (result.cancelled) entry.error = "the client went away";
            const outcome: GuardOutcome =
              result.cancelled || isAborted(result.error)
                ? "cancelled"
                : result.error
                  ? "upstream_error"
                  : result.decision?.outcome === "blocked"
                    ? "blocked_assistant"
                    : "allowed";
            // The response itself was resolved earlier; finish only audits and counts.
            finish(outcome, new Response(null));
          },
        }).then(resolve, (error: unknown) => {
          const failure = upstreamFailure(error, secrets);
          resolve(json(failure.status, failure.body, { ...headers, ...failure.headers }));
        });
      });
    }

    let completion: Record<string, unknown>;
    try {
      // An upstream that echoes its own key must not hand it to the client.
      completion = scrubSecretsDeep(await options.upstream.complete(request, signal), secrets);
    } catch (error) {
      entry.upstreamLatencyMs = performance.now() - upstreamStarted;
      entry.error = scrubSecrets(describeError(error), secrets);
      const failure = upstreamFailure(error, secrets);
      const outcome = isAborted(error) ? "cancelled" : "upstream_error";
      return finish(outcome, json(failure.status, failure.body, { ...headers, ...failure.headers }));
    }
    entry.upstreamLatencyMs = performance.now() - upstreamStarted;
    let reply: string;
    try {
      reply = completionText(completion);
    } catch (error) {
      entry.error = describeError(error);
      const failure = upstreamFailure(error, secrets);
      return finish("upstream_error", json(failure.status, failure.body, { ...headers, ...failure.headers }));
    }
    const assistant = await check(withReply(reply), "assistant");
    recordSide(entry, assistant);
    entry.assistantLatencyMs = assistant.latencyMs;
    entry.assistantChecks = 1;
    if (assistant.outcome === "failed-open") headers["x-turnsafe-moderation"] = "failed-open";
    if (assistant.outcome === "blocked") {
      const upstreamHeader: CompletionHeader = {
        id: typeof completion.id === "string" ? completion.id : header.id,
        created: typeof completion.created === "number" ? completion.created : header.created,
        model: typeof completion.model === "string" ? completion.model : header.model,
      };
      const replaced = blockedCompletion(
        upstreamHeader,
        refusal,
        blockReason(assistant, requestId),
        completion.usage,
      );
      return finish(
        "blocked_assistant",
        json(200, JSON.stringify(replaced), { ...headers, "x-turnsafe-blocked": "assistant" }),
      );
    }
    return finish("allowed", json(200, JSON.stringify(completion), headers));
  };
}

function isAborted(error: unknown): boolean {
  return error instanceof TargetError && error.kind === "aborted";
}

/** Defers opening the upstream stream until the relay starts reading it. */
async function* streamOf(
  open: () => Promise<AsyncIterable<Record<string, unknown>>>,
): AsyncGenerator<Record<string, unknown>> {
  yield* await open();
}

function json(status: number, body: string, headers: Record<string, string>): Response {
  return new Response(body, { status, headers: { ...JSON_HEADERS, ...headers } });
}
