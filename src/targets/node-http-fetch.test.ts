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
      if (request.url === "/slow-body") {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write("data: first\n\n");
        return;
      }
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

  it("rejects with the signal's reason, before sending when already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop now"));
    await expect(
      nodeHttpFetch(`${base}/chat`, { method: "POST", body: "", signal: controller.signal }),
    ).rejects.toThrow("stop now");
    const timeout = AbortSignal.timeout(30);
    await expect(
      nodeHttpFetch(`${base}/hang`, { method: "POST", body: "x", signal: timeout }),
    ).rejects.toMatchObject({
      name: "TimeoutError",
    });
  });

  it("aborts a response mid-body and lets go of the signal once the exchange ends", async () => {
    const controller = new AbortController();
    const response = await nodeHttpFetch(`${base}/slow-body`, {
      method: "POST",
      body: "",
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: first\n\n");
    controller.abort(new Error("cut"));
    await expect(reader.read()).rejects.toThrow();

    // A finished exchange leaves no listener behind on a long-lived signal.
    const longLived = new AbortController();
    const listeners: unknown[] = [];
    const signal = longLived.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (
      type: string,
      listener: Parameters<typeof add>[1],
      options?: Parameters<typeof add>[2],
    ) => {
      listeners.push(listener);
      add(type, listener, options);
    };
    signal.removeEventListener = (type: string, listener: Parameters<typeof remove>[1]) => {
      listeners.splice(listeners.indexOf(listener), 1);
      remove(type, listener);
    };
    const done = await nodeHttpFetch(`${base}/chat`, { method: "POST", body: "x", signal: longLived.signal });
    await done.text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(listeners).toEqual([]);
  });
});

describe("nodeHttpFetch and kept-alive sockets the server has closed", () => {
  it("sends again on a fresh connection when a reused socket is reset before any answer", async () => {
    // Answers the first request of each connection and keeps it open; resets the connection on
    // the second, as a server whose idle timeout fired just as the client reused the socket.
    let requests = 0;
    const server = createServer((request, response) => {
      requests++;
      const socket = request.socket as typeof request.socket & { served?: boolean };
      if (socket.served) {
        socket.destroy();
        return;
      }
      socket.served = true;
      response.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
      response.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      expect(await (await nodeHttpFetch(url, { method: "POST", body: "1" })).text()).toBe("ok");
      expect(await (await nodeHttpFetch(url, { method: "POST", body: "2" })).text()).toBe("ok");
      expect(requests).toBe(3);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
