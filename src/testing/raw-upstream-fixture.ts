// A local OpenAI-shaped upstream for the guard's tests that answers with whatever the test
// sets: any completion JSON, or any list of stream chunks. Listens on 127.0.0.1, port 0.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RawUpstream {
  url: string;
  /** The answer to the next requests: a completion (plain, and any GET) and the chunks (streamed). */
  answer: { completion: Record<string, unknown>; chunks: Record<string, unknown>[] };
  /** Bodies received, in order. */
  received: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startRawUpstream(): Promise<RawUpstream> {
  const upstream: RawUpstream = {
    url: "",
    answer: { completion: {}, chunks: [] },
    received: [],
    close: async () => undefined,
  };
  const server: Server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
    });
    request.on("end", () => {
      if (request.method === "GET") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(upstream.answer.completion));
        return;
      }
      const body = JSON.parse(text) as Record<string, unknown>;
      upstream.received.push(body);
      if (body.stream === true) {
        response.writeHead(200, { "content-type": "text/event-stream" });
        for (const chunk of upstream.answer.chunks) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
        response.end("data: [DONE]\n\n");
      } else {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(upstream.answer.completion));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  upstream.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return upstream;
}

/** A completion whose first choice's message is `message`. */
export function completionWith(
  message: Record<string, unknown>,
  extraChoices: Record<string, unknown>[] = [],
): Record<string, unknown> {
  return {
    id: "chatcmpl-raw",
    object: "chat.completion",
    created: 1,
    model: "raw",
    choices: [
      { index: 0, message: { role: "assistant", ...message }, finish_reason: "stop", logprobs: null },
      ...extraChoices,
    ],
  };
}

/** Stream chunks: a role chunk, one chunk per delta (choice 0 unless the delta names one), a final chunk. */
export function chunksWith(
  deltas: (Record<string, unknown> & { choiceIndex?: number })[],
): Record<string, unknown>[] {
  const chunk = (choices: unknown[]) => ({
    id: "chatcmpl-raw",
    object: "chat.completion.chunk",
    created: 1,
    model: "raw",
    choices,
  });
  return [
    chunk([{ index: 0, delta: { role: "assistant" }, finish_reason: null }]),
    ...deltas.map(({ choiceIndex, ...delta }) =>
      chunk([{ index: choiceIndex ?? 0, delta, finish_reason: null }]),
    ),
    chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
  ];
}
