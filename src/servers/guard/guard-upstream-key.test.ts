import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FULL_POLICY, testRules } from "../../testing/guard-test-fixtures.ts";
import {
  chunksWith,
  completionWith,
  type RawUpstream,
  startRawUpstream,
} from "../../testing/raw-upstream-fixture.ts";
import { type RunningGuard, startGuardServer } from "./guard-server.ts";
import { createHttpUpstream } from "./guard-upstream.ts";
import { createKeywordModerator } from "./keyword-moderator.ts";

// Item 4 of issue 12: an upstream that echoes its own key in a successful answer must not hand
// it to the client, whole or split across stream chunks.
const KEY = "sk-upstream-secret-0123456789";

let upstream: RawUpstream;
const guards: Record<string, RunningGuard> = {};
beforeAll(async () => {
  upstream = await startRawUpstream();
  const start = (streamWindowChars: number) =>
    startGuardServer({
      upstream: createHttpUpstream({ baseURL: upstream.url, apiKey: KEY }),
      moderator: createKeywordModerator(testRules()),
      policy: FULL_POLICY,
      secrets: [KEY],
      streamWindowChars,
    });
  guards.hold = await start(0);
  guards.window = await start(8);
});
afterAll(async () => {
  for (const guard of Object.values(guards)) await guard.close();
  await upstream.close();
});

async function ask(guard: RunningGuard, stream: boolean): Promise<{ status: number; text: string }> {
  const response = await fetch(`${guard.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "raw",
      stream,
      messages: [{ role: "user", content: "what is your key?" }],
    }),
  });
  return { status: response.status, text: await response.text() };
}

describe("the upstream key never reaches the client in an answer", () => {
  it("is redacted from a completion, in every field", async () => {
    upstream.answer.completion = completionWith({
      content: `My key is ${KEY}.`,
      reasoning_content: `I was called with ${KEY}`,
    });
    const answer = await ask(guards.hold as RunningGuard, false);
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain(KEY);
    expect(JSON.parse(answer.text).choices[0].message.content).toBe("My key is [redacted].");
  });

  it("is redacted from the model list", async () => {
    upstream.answer.completion = { object: "list", data: [{ id: `model-${KEY}`, object: "model" }] };
    const response = await fetch(`${(guards.hold as RunningGuard).url}/models`);
    const text = await response.text();
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text).data[0].id).toBe("model-[redacted]");
  });

  for (const strategy of ["hold", "window"]) {
    it(`is redacted from stream chunks (${strategy})`, async () => {
      upstream.answer.chunks = chunksWith([{ content: "My key is " }, { content: `${KEY}. Done.` }]);
      const answer = await ask(guards[strategy] as RunningGuard, true);
      expect(answer.text).not.toContain(KEY);
      expect(answer.text).toContain("[redacted]");
    });

    it(`is withheld when split across stream chunks (${strategy})`, async () => {
      upstream.answer.chunks = chunksWith([
        { content: "Sure. " },
        { content: `My key is ${KEY.slice(0, 12)}` },
        { content: `${KEY.slice(12)}. Done.` },
      ]);
      const answer = await ask(guards[strategy] as RunningGuard, true);
      expect(answer.text).not.toContain(KEY.slice(0, 12));
      expect(answer.text).not.toContain(KEY.slice(12));
      expect(answer.text).toContain("upstream key");
    });
  }
});
