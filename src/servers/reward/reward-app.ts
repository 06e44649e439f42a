import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { InputError } from "../../errors.ts";
import { isRecord, jsonResponse } from "../../http/json.ts";
import { errorBody } from "../../http/openai-wire.ts";
import { redactSecrets } from "../../http/redact-secrets.ts";
import { guardBearerAuth, guardBodyLimit } from "../guard/guard-middleware.ts";
import { type CompatContext, compatItem, openRlhfReply } from "./compat-routes.ts";
import { readRolloutMessages } from "./read-rollout.ts";
import type { RewardItem, RewardService } from "./reward-service.ts";

/** The reward server's HTTP settings (the reward itself is the service's). */
export interface RewardAppOptions extends Partial<CompatContext> {
  service: RewardService;
  /** Keys clients must send as `Authorization: Bearer <key>`; none means no authentication. */
  apiKeys?: readonly string[];
  /** Largest request body (default 64 MB: a batch of multimodal rollouts); larger gets 413. */
  maxBodyBytes?: number;
  /** Most rollouts in one /v1/rewards request (default 4096). */
  maxItems?: number;
  /** What /health reports as the judge. */
  judgeName?: string;
  log?: (line: string) => void;
}

export const DEFAULT_REWARD_MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * The reward server: `POST /v1/rewards` (canonical), `/compat/openrlhf` and `/compat/slime`,
 * with bearer auth and body limits as in the guard, `/health` and `/metrics`. Bad input is a
 * 400 naming the field; a judge failure is never a 5xx but a 200 with the fallback reward and
 * an error per item.
 */
export function createRewardApp(options: RewardAppOptions): Hono {
  const { service } = options;
  const context: CompatContext = {
    dialogues: options.dialogues,
    defaultGroupSize: options.defaultGroupSize ?? 1,
  };
  const maxItems = options.maxItems ?? 4096;
  const app = new Hono();
  app.get("/health", () =>
    jsonResponse(
      200,
      JSON.stringify({ status: "ok", judge: options.judgeName ?? null, openGroups: service.openGroups }),
    ),
  );
  const keys = options.apiKeys ?? [];
  if (keys.length > 0) {
    const requireKey = guardBearerAuth(keys, service.metrics);
    for (const route of ["/v1/*", "/compat/*", "/metrics"]) app.use(route, requireKey);
  }
  app.get(
    "/metrics",
    () =>
      new Response(service.metrics.render(), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      }),
  );
  const limit = guardBodyLimit(options.maxBodyBytes ?? DEFAULT_REWARD_MAX_BODY_BYTES, service.metrics);

  app.post("/v1/rewards", limit, async (request) => {
    const body = await readJson(request.req.raw);
    const items = canonicalItems(body, maxItems);
    const results = await Promise.all(items.map((item) => service.score(item)));
    return jsonResponse(200, JSON.stringify({ results }));
  });
  app.post("/compat/openrlhf", limit, async (request) => {
    const body = await readJson(request.req.raw);
    const query = listField(body, "query");
    const prompts = listField(body, "prompts");
    const labels = listField(body, "labels");
    // OpenRLHF drops a sample's reward silently when its request fails, so a sample that cannot
    // be read gets the fallback reward with its error (logged, and counted in extra_logs).
    const results = await Promise.all(
      query.map((entry, index) => {
        try {
          if (typeof entry !== "string") throw new InputError("must be a string", `query.${index}`);
          const prompt = prompts[index];
          const item = compatItem(
            { query: entry, prompt: typeof prompt === "string" ? prompt : undefined },
            labels[index],
            context,
            `query.${index}`,
          );
          return service.score(item);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          options.log?.(`reward server: /compat/openrlhf: ${error.message}`);
          return Promise.resolve(service.inputFailure(error.message));
        }
      }),
    );
    return jsonResponse(200, JSON.stringify(openRlhfReply(results)));
  });
  app.post("/compat/slime", limit, async (request) => {
    const body = await readJson(request.req.raw);
    if (!isRecord(body)) throw new InputError("must be a JSON object", "body");
    const { prompt, response, label } = body;
    if (typeof response !== "string") throw new InputError("must be a string", "response");
    if (typeof prompt !== "string" && !Array.isArray(prompt))
      throw new InputError("must be a string or a list of messages", "prompt");
    const result = await service.score(compatItem({ prompt, response }, label, context, "body"));
    return jsonResponse(200, JSON.stringify(result));
  });

  app.notFound((request) =>
    jsonResponse(404, errorBody(404, `no route for ${request.req.method} ${request.req.path}`)),
  );
  app.onError((error) => {
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof InputError) {
      service.metrics.count("bad_request");
      return jsonResponse(400, errorBody(400, error.message, { param: error.where ?? null }));
    }
    options.log?.(redactSecrets(`reward server failure: ${error.message}`, [...keys]));
    return jsonResponse(
      500,
      errorBody(500, "the reward server failed to handle this request", { code: "reward_error" }),
    );
  });
  return app;
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputError("the request body is not valid JSON", "body");
  }
}

function listField(body: unknown, field: string): unknown[] {
  if (!isRecord(body)) throw new InputError("must be a JSON object", "body");
  const value = body[field] ?? [];
  if (!Array.isArray(value)) throw new InputError("must be a list", field);
  return value;
}

/** `{items: [...]}` (with optional shared `group`/`group_size`) or one item. */
function canonicalItems(body: unknown, maxItems: number): RewardItem[] {
  if (!isRecord(body)) throw new InputError("must be a JSON object", "body");
  const list = body.items === undefined ? [body] : body.items;
  if (!Array.isArray(list)) throw new InputError("must be a list of rollouts", "items");
  if (list.length > maxItems) throw new InputError(`at most ${maxItems} rollouts per request`, "items");
  return list.map((entry, index) => {
    const where = body.items === undefined ? "body" : `items.${index}`;
    if (!isRecord(entry)) throw new InputError("must be an object", where);
    const group = entry.group ?? body.group;
    const size = entry.group_size ?? body.group_size;
    if (group !== undefined && (typeof group !== "string" || group === ""))
      throw new InputError("must be a non-empty string", `${where}.group`);
    if (size !== undefined && (!Number.isInteger(size) || (size as number) < 1))
      throw new InputError("must be a positive integer", `${where}.group_size`);
    if (entry.id !== undefined && (typeof entry.id !== "string" || entry.id === ""))
      throw new InputError("must be a non-empty string", `${where}.id`);
    return {
      id: entry.id as string | undefined,
      messages: readRolloutMessages(entry.messages, `${where}.messages`),
      group: group as string | undefined,
      groupSize: group === undefined ? 1 : ((size as number | undefined) ?? 1),
    };
  });
}
