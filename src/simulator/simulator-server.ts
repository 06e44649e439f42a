import { Hono } from "hono";
import { listen } from "../util/listen.ts";
import { decideAction, requestRandom, type SimulatorAction } from "./behaviour.ts";
import { type ChatRequestView, estimateTokens, readChatRequest } from "./chat-request.ts";
import { imagesBody, invalidImageRequest, readImageRequest } from "./image-route.ts";
import { defaultSimulatorScript, type SimulatorScript } from "./script.ts";
import {
  completionBody,
  errorBody,
  invalidRequestBody,
  malformedBody,
  SIMULATOR_FINGERPRINT,
  streamBody,
} from "./wire-format.ts";

/** Options of the simulator app. */
export interface SimulatorOptions {
  /** When set, `/v1/*` requests must send `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** How many accepted request bodies to keep for inspection (the first ones); default 100. */
  recordRequests?: number;
}

/** Counts by outcome since the simulator started. */
export interface SimulatorStats {
  /** Chat requests that passed authentication and validation. */
  requests: number;
  replies: number;
  errors: number;
  errorsByStatus: Record<string, number>;
  timeouts: number;
  malformed: number;
  /** Rejected with 400 (bad JSON or not a chat request). */
  invalid: number;
  /** Rejected with 401. */
  unauthorized: number;
  inFlight: number;
  /** The most requests ever in flight at once (shared endpoint limits are checked against it). */
  maxInFlight: number;
  /** Requests per rule, fault or `default` that answered them. */
  bySource: Record<string, number>;
  /** Valid `POST /v1/images/generations` requests answered (each with generated PNGs). */
  imageRequests: number;
}

/** A simulator app with its counters, for hosting it yourself. */
export interface SimulatorApp {
  app: Hono;
  stats(): SimulatorStats;
  /** Recorded request bodies, oldest first, capped by `recordRequests`. */
  readonly requests: readonly unknown[];
  /** Answers every request now waiting (latency or timeout) at once; used when shutting down. */
  releaseHeldRequests(): void;
}

type WaitOutcome = "elapsed" | "aborted" | "released";

const BASE_HEADERS = { "x-turnsafe-simulator": "1" };
const JSON_HEADERS = { ...BASE_HEADERS, "content-type": "application/json" };
const SSE_HEADERS = { ...BASE_HEADERS, "content-type": "text/event-stream", "cache-control": "no-cache" };

/** Builds the OpenAI-compatible simulator as a Hono app that follows `script`. */
export function createSimulatorApp(script: SimulatorScript, options: SimulatorOptions = {}): SimulatorApp {
  const recordLimit = options.recordRequests ?? 100;
  const recorded: unknown[] = [];
  const waiting = new Set<() => void>();
  const counts: SimulatorStats = {
    requests: 0,
    replies: 0,
    errors: 0,
    errorsByStatus: {},
    timeouts: 0,
    malformed: 0,
    invalid: 0,
    unauthorized: 0,
    inFlight: 0,
    maxInFlight: 0,
    bySource: {},
    imageRequests: 0,
  };
  const expectedAuthorization = options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`;

  function wait(ms: number, signal: AbortSignal): Promise<WaitOutcome> {
    if (signal.aborted) return Promise.resolve("aborted");
    return new Promise((resolve) => {
      const finish = (outcome: WaitOutcome) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        waiting.delete(release);
        resolve(outcome);
      };
      const onAbort = () => finish("aborted");
      const release = () => finish("released");
      const timer = setTimeout(finish, ms, "elapsed");
      signal.addEventListener("abort", onAbort);
      waiting.add(release);
    });
  }

  async function answer(
    action: SimulatorAction,
    request: ChatRequestView,
    index: number,
    signal: AbortSignal,
  ) {
    const header = {
      id: `chatcmpl-sim-${index}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      systemFingerprint: SIMULATOR_FINGERPRINT,
    };
    if (action.kind === "timeout") {
      counts.timeouts++;
      const outcome = await wait(action.holdMs, signal);
      const status = outcome === "released" ? 503 : 504;
      const message =
        outcome === "released" ? "simulator shutting down" : `simulated timeout after ${action.holdMs} ms`;
      return jsonResponse(status, errorBody(status, message, "timeout"));
    }
    if (action.latencyMs > 0) await wait(action.latencyMs, signal);
    if (action.kind === "error") {
      counts.errors++;
      counts.errorsByStatus[action.status] = (counts.errorsByStatus[action.status] ?? 0) + 1;
      const headers: Record<string, string> = { ...JSON_HEADERS };
      if (action.retryAfterSeconds !== undefined) {
        // Retry-After allows whole seconds only; retry-after-ms (as OpenAI sends) keeps fractions.
        headers["retry-after"] = String(Math.ceil(action.retryAfterSeconds));
        headers["retry-after-ms"] = String(Math.round(action.retryAfterSeconds * 1000));
      }
      return new Response(errorBody(action.status, action.message), { status: action.status, headers });
    }
    if (action.kind === "malformed") {
      counts.malformed++;
      return new Response(malformedBody(header, request.stream), {
        status: 200,
        headers: request.stream ? SSE_HEADERS : JSON_HEADERS,
      });
    }
    counts.replies++;
    let text = action.text;
    let finishReason = "stop";
    if (request.maxTokens !== undefined && estimateTokens(text) > request.maxTokens) {
      text = text.slice(0, request.maxTokens * 4);
      finishReason = "length";
    }
    const completionTokens = estimateTokens(text);
    const usage = {
      prompt_tokens: request.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: request.promptTokens + completionTokens,
    };
    if (!request.stream) return jsonResponse(200, completionBody(header, text, finishReason, usage));
    const body = streamBody(header, text, finishReason, request.includeUsage ? usage : undefined);
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  }

  const app = new Hono();
  app.use("/v1/*", async (context, next) => {
    if (
      expectedAuthorization === undefined ||
      context.req.header("authorization") === expectedAuthorization
    ) {
      return next();
    }
    counts.unauthorized++;
    return jsonResponse(401, errorBody(401, "missing or incorrect API key", "invalid_api_key"));
  });

  app.post("/v1/chat/completions", async (context) => {
    let body: unknown;
    try {
      body = JSON.parse(await context.req.text());
    } catch {
      counts.invalid++;
      return jsonResponse(400, invalidRequestBody("the request body is not valid JSON", null));
    }
    const request = readChatRequest(body);
    if ("message" in request) {
      counts.invalid++;
      return jsonResponse(400, invalidRequestBody(request.message, request.param));
    }
    const index = counts.requests++;
    if (recorded.length < recordLimit) recorded.push(body);
    const action = decideAction(request, script, requestRandom(script.seed, index));
    counts.bySource[action.source] = (counts.bySource[action.source] ?? 0) + 1;
    counts.inFlight++;
    counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
    try {
      return await answer(action, request, index, context.req.raw.signal);
    } finally {
      counts.inFlight--;
    }
  });

  app.post("/v1/images/generations", async (context) => {
    let body: unknown;
    try {
      body = JSON.parse(await context.req.text());
    } catch {
      counts.invalid++;
      return jsonResponse(400, invalidRequestBody("the request body is not valid JSON", null));
    }
    const request = readImageRequest(body);
    if ("message" in request) {
      counts.invalid++;
      return jsonResponse(400, invalidImageRequest(request));
    }
    counts.imageRequests++;
    if (recorded.length < recordLimit) recorded.push(body);
    return jsonResponse(200, await imagesBody(request));
  });

  app.get("/v1/models", () => {
    const data = script.models.map((id) => ({
      id,
      object: "model",
      created: 0,
      owned_by: SIMULATOR_FINGERPRINT,
    }));
    return jsonResponse(200, JSON.stringify({ object: "list", data }));
  });

  app.get("/health", () => jsonResponse(200, JSON.stringify({ status: "ok", simulator: true })));
  app.notFound((context) =>
    jsonResponse(404, errorBody(404, `no route for ${context.req.method} ${context.req.path}`)),
  );
  app.onError((error) => jsonResponse(500, errorBody(500, `simulator failure: ${error.message}`)));

  return {
    app,
    stats: () => ({
      ...counts,
      errorsByStatus: { ...counts.errorsByStatus },
      bySource: { ...counts.bySource },
    }),
    requests: recorded,
    releaseHeldRequests() {
      for (const release of [...waiting]) release();
    },
  };
}

/** Options of {@link startSimulator}. */
export interface StartSimulatorOptions extends SimulatorOptions {
  /** Defaults to the built-in script. */
  script?: SimulatorScript;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

/** A simulator listening on a port. */
export interface RunningSimulator {
  /** Base URL ending in `/v1`, ready for an OpenAI-compatible client. */
  url: string;
  port: number;
  stats(): SimulatorStats;
  readonly requests: readonly unknown[];
  /** Stops listening, answers held requests and drops open connections. */
  close(): Promise<void>;
}

/** Starts the simulator over HTTP on `host:port` (127.0.0.1 and a free port by default). */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const simulator = createSimulatorApp(options.script ?? defaultSimulatorScript(), options);
  const listening = await listen(simulator.app.fetch, {
    host: options.host,
    port: options.port,
    name: "simulator",
  });
  return {
    url: listening.url,
    port: listening.port,
    stats: simulator.stats,
    requests: simulator.requests,
    close: () => listening.close(simulator.releaseHeldRequests),
  };
}

function jsonResponse(status: number, body: string): Response {
  return new Response(body, { status, headers: JSON_HEADERS });
}
