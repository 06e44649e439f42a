import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHttpFetch } from "./node-http-fetch.ts";

describe("nodeHttpFetch", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/hang") return;
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        response.writeHead(request.url === "/missing" ? 404 : 200, {
          "content-type": "text/event-stream",
          "x-echo": request.headers["x-token"] ?? "",
        });
        response.write(`data: ${body}\n\n`);
        setTimeout(() => response.end("data: [DONE]\n\n"), 5);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends method, headers and body, and streams the response", async () => {
    const response = await nodeHttpFetch(`${base}/chat`, {
      method: "POST",
      headers: { "x-token": "abc" },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-echo")).toBe("abc");
    expect(await response.text()).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
  });

  it("passes error statuses through and rejects on abort", async () => {
    expect((await nodeHttpFetch(`${base}/missing`, { method: "POST", body: "" })).status).toBe(404);
    await expect(
      nodeHttpFetch(`${base}/hang`, { method: "POST", body: "x", signal: AbortSignal.timeout(50) }),
    ).rejects.toThrow();
  });
});
