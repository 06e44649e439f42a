import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator } from "../../simulator/simulator-server.ts";
import { parseTargetSpec } from "../../targets/provider-spec.ts";
import { createProviderTarget } from "../../targets/provider-target.ts";
import {
  FULL_POLICY,
  startGuardedSimulator,
  testRules,
  UPSTREAM_SCRIPT,
} from "../../testing/guard-test-fixtures.ts";
import { startGuardServer } from "./guard-server.ts";
import { createTargetUpstream } from "./guard-upstream.ts";
import { createKeywordModerator } from "./keyword-moderator.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function post(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("guard upstreams", () => {
  it("serves a provider-spec upstream through createProviderTarget, plain and streamed", async () => {
    const simulator = await startSimulator({ script: UPSTREAM_SCRIPT });
    closers.push(() => simulator.close());
    const target = createProviderTarget(
      parseTargetSpec(`openai-compatible:sim-target@${simulator.url}`, "--upstream"),
      {
        env: {},
        simulator: true,
      },
    );
    const guard = await startGuardServer({
      upstream: createTargetUpstream(target),
      moderator: createKeywordModerator(testRules()),
      policy: FULL_POLICY,
    });
    closers.push(() => guard.close());
    const client = new OpenAI({ apiKey: "k", baseURL: guard.url, maxRetries: 0 });
    const plain = await client.chat.completions.create({
      model: "anything",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(plain.choices[0]?.message.content).toBe("A friendly answer to: hi");
    let text = "";
    let finish: string | null = null;
    for await (const chunk of await client.chat.completions.create({
      model: "anything",
      messages: [{ role: "user", content: "trigger-harm" }],
      stream: true,
    })) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe("content_filter");
    expect(text).not.toContain("pipe bomb");
    expect((await client.models.list()).data.map((model) => model.id)).toEqual(["sim-target"]);
  });

  it("turns upstream failures into OpenAI-shaped errors, streamed or not", async () => {
    const { guard, close } = await startGuardedSimulator();
    closers.push(close);
    for (const stream of [false, true]) {
      const failed = await post(guard.url, {
        model: "m",
        messages: [{ role: "user", content: "trigger-error" }],
        stream,
      });
      expect(failed.status).toBe(502);
      expect(await failed.json()).toMatchObject({ error: { code: "upstream_error", type: "server_error" } });
    }
    const broken = await post(guard.url, {
      model: "m",
      messages: [{ role: "user", content: "trigger-broken" }],
      stream: true,
    });
    expect(broken.status).toBe(502);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(
      /not JSON|ended before/,
    );
    const metrics = await (await fetch(`${guard.url.replace(/\/v1$/, "")}/metrics`)).text();
    expect(metrics).toContain('turnsafe_guard_requests_total{outcome="upstream_error"} 3');
  });

  it("survives clients that go away mid-request, and audits them", async () => {
    const lines: string[] = [];
    const { guard, close } = await startGuardedSimulator({ log: (line) => lines.push(line) });
    closers.push(close);
    for (const stream of [false, true]) {
      const controller = new AbortController();
      const pending = fetch(`${guard.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "trigger-slow" }], stream }),
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toThrow();
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(lines.filter((line) => line.includes(" cancelled "))).toHaveLength(2);
    const after = await post(guard.url, { model: "m", messages: [{ role: "user", content: "hello" }] });
    expect(after.status).toBe(200);
  });

  it("answers 413 to an oversized body sent without a length (chunked)", async () => {
    const { guard, simulator, close } = await startGuardedSimulator({ maxBodyBytes: 64 * 1024 });
    closers.push(close);
    const piece = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 16) controller.enqueue(piece);
        else controller.close();
      },
    });
    const response = await fetch(`${guard.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(simulator.stats().requests).toBe(0);
  });

  it("serves health and Prometheus metrics", async () => {
    const { guard, close } = await startGuardedSimulator();
    closers.push(close);
    await post(guard.url, { model: "m", messages: [{ role: "user", content: "hello" }] });
    await post(guard.url, { model: "m", messages: [{ role: "user", content: "launder money" }] });
    const root = guard.url.replace(/\/v1$/, "");
    expect(await (await fetch(`${root}/health`)).json()).toMatchObject({
      status: "ok",
      moderator: "keyword-moderator",
    });
    const metrics = await fetch(`${root}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toContain('turnsafe_guard_requests_total{outcome="allowed"} 1');
    expect(text).toContain('turnsafe_guard_requests_total{outcome="blocked_user"} 1');
    expect(text).toContain('turnsafe_guard_moderation_seconds_count{side="user"} 2');
    expect(text).toContain('turnsafe_guard_moderation_seconds_count{side="assistant"} 1');
    expect(text).toMatch(/turnsafe_guard_moderation_seconds_bucket\{side="user",le="\+Inf"\} 2/);
  });
});
