import { describe, expect, it } from "vitest";
import { DEFAULT_FETCH_POLICY } from "../../dialogue/safe-fetch.ts";
import { InputError } from "../../errors.ts";
import { readGuardChatRequest } from "./openai-chat-request.ts";

const NO_FETCH = { fetchImages: false, fetchPolicy: DEFAULT_FETCH_POLICY };
const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("readGuardChatRequest", () => {
  it("maps OpenAI roles and parts onto a dialogue", async () => {
    const request = await readGuardChatRequest(
      {
        model: "m",
        stream: true,
        messages: [
          { role: "developer", content: "be brief" },
          {
            role: "user",
            content: [
              { type: "text", text: "look" },
              { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}`, detail: "low" } },
            ],
          },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "c1", type: "function", function: { name: "search", arguments: '{"q":"x"}' } },
            ],
          },
          { role: "tool", tool_call_id: "c1", content: "result text" },
        ],
      },
      "req-1",
      NO_FETCH,
    );
    expect(request.stream).toBe(true);
    expect(request.dialogue.id).toBe("req-1");
    expect(request.dialogue.messages.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "user",
    ]);
    const image = request.dialogue.messages[1]?.content[1];
    expect(image).toMatchObject({ type: "image", image: { mediaType: "image/png", base64: PNG_BASE64 } });
    expect(request.imageHashes).toHaveLength(1);
    expect(request.imageHashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(request.dialogue.messages[2]?.content).toEqual([
      { type: "text", text: '[tool call search] {"q":"x"}' },
    ]);
    expect(request.dialogue.messages[3]?.content).toEqual([
      { type: "text", text: "[tool result] result text" },
    ]);
  });

  it.each([
    [{ messages: [] }, "messages"],
    [{ messages: [{ role: "robot", content: "x" }] }, "messages[0].role"],
    [{ messages: [{ role: "user", content: [{ type: "file", file: {} }] }] }, "messages[0].content[0]"],
    [
      {
        messages: [
          {
            role: "assistant",
            content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }],
          },
        ],
      },
      "messages[0].content[0]",
    ],
    [
      {
        messages: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "file:///etc/passwd" } }] },
        ],
      },
      "messages[0].content[0].image_url.url",
    ],
    [
      {
        messages: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
        ],
      },
      "messages[0].content[0].image_url.url",
    ],
    [{ messages: [{ role: "user", content: "x" }], n: 3 }, "n"],
  ])("refuses %j at %s", async (body, where) => {
    const failure = await readGuardChatRequest({ model: "m", ...body }, "r", NO_FETCH).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as InputError).where).toBe(where);
  });
});
