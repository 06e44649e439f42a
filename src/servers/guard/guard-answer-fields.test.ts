import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FULL_POLICY, testRules } from "../../testing/guard-test-fixtures.ts";
import {
  chunksWith,
  completionWith,
  type RawUpstream,
  startRawUpstream,
} from "../../testing/raw-upstream-fixture.ts";
import { ANSWER_MESSAGE_FIELDS } from "./chat-fields.ts";
import { type RunningGuard, startGuardServer } from "./guard-server.ts";
import { createHttpUpstream } from "./guard-upstream.ts";
import { createKeywordModerator } from "./keyword-moderator.ts";

// Item 1 of issue 12: every field of an answer the client receives is moderated, in every
// choice, plain and streamed, with both stream strategies.
const HARM = "Step one of building a pipe bomb is to gather the parts.";
const SAFE = "Here is a friendly answer.";

let upstream: RawUpstream;
const guards: Record<string, RunningGuard> = {};
beforeAll(async () => {
  upstream = await startRawUpstream();
  const start = (streamWindowChars: number) =>
    startGuardServer({
      upstream: createHttpUpstream({ baseURL: upstream.url }),
      moderator: createKeywordModerator(testRules()),
      policy: FULL_POLICY,
      streamWindowChars,
    });
  guards.hold = await start(0);
  guards.window = await start(10);
});
afterAll(async () => {
  for (const guard of Object.values(guards)) await guard.close();
  await upstream.close();
});

/** Each answer field that can carry text, as a non-streamed message and as stream deltas. */
const FIELDS: {
  name: string;
  message: Record<string, unknown>;
  extraChoices?: Record<string, unknown>[];
  deltas: (Record<string, unknown> & { choiceIndex?: number })[];
}[] = [
  { name: "content (control)", message: { content: HARM }, deltas: [{ content: HARM }] },
  { name: "refusal", message: { content: null, refusal: HARM }, deltas: [{ refusal: HARM }] },
  {
    name: "tool_calls",
    message: {
      content: null,
      tool_calls: [
        { id: "c1", type: "function", function: { name: "build", arguments: JSON.stringify({ how: HARM }) } },
      ],
    },
    deltas: [
      {
        tool_calls: [
          {
            index: 0,
            id: "c1",
            type: "function",
            function: { name: "build", arguments: '{"how": "Step one of building a pipe' },
          },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: ' bomb is to gather the parts."}' } }] },
    ],
  },
  {
    name: "reasoning_content",
    message: { content: SAFE, reasoning_content: HARM },
    deltas: [{ reasoning_content: HARM }, { content: SAFE }],
  },
  {
    name: "reasoning",
    message: { content: SAFE, reasoning: HARM },
    deltas: [{ reasoning: HARM }, { content: SAFE }],
  },
  {
    name: "function_call.arguments",
    message: { content: null, function_call: { name: "build", arguments: JSON.stringify({ how: HARM }) } },
    deltas: [
      { function_call: { name: "build", arguments: '{"how": "Step one of building a pipe' } },
      { function_call: { arguments: ' bomb is to gather the parts."}' } },
    ],
  },
  {
    name: "choices[1]",
    message: { content: SAFE },
    extraChoices: [{ index: 1, message: { role: "assistant", content: HARM }, finish_reason: "stop" }],
    deltas: [
      { content: "Here is a friendly" },
      { choiceIndex: 1, content: "Step one of building a pipe" },
      { content: " answer." },
      { choiceIndex: 1, content: " bomb is to gather the parts." },
    ],
  },
  {
    name: "audio.transcript",
    message: { content: null, audio: { id: "audio_1", data: "AAAA", expires_at: 1, transcript: HARM } },
    deltas: [{ audio: { id: "audio_1", transcript: HARM } }],
  },
  {
    name: "annotations",
    message: {
      content: SAFE,
      annotations: [
        {
          type: "url_citation",
          url_citation: { url: "https://example.org", title: HARM, start_index: 0, end_index: 1 },
        },
      ],
    },
    deltas: [
      { content: SAFE },
      { annotations: [{ type: "url_citation", url_citation: { url: "https://example.org", title: HARM } }] },
    ],
  },
  {
    name: "an unknown future field",
    message: { content: SAFE, some_new_field: { text: HARM } },
    deltas: [{ content: SAFE }, { some_new_field: { text: HARM } }],
  },
];

async function ask(
  guard: RunningGuard,
  stream: boolean,
): Promise<{ status: number; text: string; blocked: string | null }> {
  const response = await fetch(`${guard.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "raw", stream, messages: [{ role: "user", content: "hello" }] }),
  });
  return {
    status: response.status,
    text: await response.text(),
    blocked: response.headers.get("x-turnsafe-blocked"),
  };
}

describe("the guard moderates every answer field the client receives", () => {
  it("has a case for every answer field the map calls moderated", () => {
    const covered = new Set(FIELDS.map((field) => field.name.split(/[ .[]/)[0]));
    const moderated = Object.entries(ANSWER_MESSAGE_FIELDS).filter(
      ([, treatment]) => treatment === "moderated",
    );
    for (const [field] of moderated) expect(covered).toContain(field);
  });

  for (const field of FIELDS) {
    it(`${field.name}: plain`, async () => {
      upstream.answer.completion = completionWith(field.message, field.extraChoices);
      const answer = await ask(guards.hold as RunningGuard, false);
      expect(answer.status).toBe(200);
      expect(answer.blocked).toBe("assistant");
      expect(answer.text).toContain("content_filter");
      expect(answer.text).not.toMatch(/pipe bomb|pipe/);
    });
    for (const strategy of ["hold", "window"]) {
      it(`${field.name}: streamed, ${strategy}`, async () => {
        upstream.answer.chunks = chunksWith(field.deltas);
        const answer = await ask(guards[strategy] as RunningGuard, true);
        expect(answer.status).toBe(200);
        expect(answer.text).toContain("content_filter");
        expect(answer.text).not.toMatch(/pipe bomb|a pipe/);
      });
    }
  }

  it("lets the same answers through when nothing in them is harmful", async () => {
    upstream.answer.completion = completionWith({ content: SAFE, reasoning_content: "Thinking about it." });
    const plain = await ask(guards.hold as RunningGuard, false);
    expect(plain.blocked).toBeNull();
    expect(JSON.parse(plain.text).choices[0].message.reasoning_content).toBe("Thinking about it.");
    upstream.answer.chunks = chunksWith([{ reasoning_content: "Thinking." }, { content: SAFE }]);
    const streamed = await ask(guards.window as RunningGuard, true);
    expect(streamed.text).toContain(SAFE.slice(-8));
    expect(streamed.text).not.toContain("content_filter");
  });
});
