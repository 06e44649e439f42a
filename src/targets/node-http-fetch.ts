import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";

const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, scheduling: "lifo" }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, scheduling: "lifo" }),
};

/**
 * A `fetch` for model APIs built on node:http with keep-alive agents. Node's built-in fetch
 * spends several hundred microseconds of CPU per request in web-stream machinery; model calls
 * need none of it. Bodies are strings or bytes; responses stream (SSE works) as web streams.
 */
export const nodeHttpFetch: typeof fetch = (input, init) => {
  const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
  const client = url.protocol === "https:" ? https : http;
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => {
    headers[key] = value;
  });
  const body = init?.body;
  if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array))
    return Promise.reject(new TypeError("nodeHttpFetch sends string or byte bodies only"));
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<Response>((resolve, reject) => {
    const send = (attempt: number) => {
      const request = client.request(
        url,
        {
          method: init?.method ?? "GET",
          headers,
          agent: agents[url.protocol as "http:" | "https:"],
        },
        (response) => {
          const responseHeaders = new Headers();
          for (const [key, value] of Object.entries(response.headers)) {
            if (Array.isArray(value)) for (const item of value) responseHeaders.append(key, item);
            else if (value !== undefined) responseHeaders.set(key, value);
          }
          const status = response.statusCode ?? 0;
          const nullBody = status === 204 || status === 304 || init?.method === "HEAD";
          const stream = nullBody ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
          resolve(
            new Response(stream, { status, statusText: response.statusMessage, headers: responseHeaders }),
          );
        },
      );
      request.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed while idle fails as soon as it is reused, before
        // any answer: the request never reached the server, so it is sent once more on a
        // fresh connection (the race Node's documentation describes for `reusedSocket`).
        if (attempt === 0 && request.reusedSocket && !signal?.aborted && isStaleSocket(error)) send(1);
        else reject(error);
      });
      if (signal) {
        // One listener, removed when the exchange ends. (node:http's own `signal` option hangs
        // several stream listeners on every request, a measurable cost at hundreds of calls a second.)
        const onAbort = () => request.destroy(abortError(signal) as Error);
        signal.addEventListener("abort", onAbort, { once: true });
        request.once("close", () => signal.removeEventListener("abort", onAbort));
      }
      request.end(body ?? undefined);
    };
    send(0);
  });
};

function isStaleSocket(error: NodeJS.ErrnoException): boolean {
  return error.code === "ECONNRESET" || error.code === "EPIPE";
}

/** What fetch rejects with when aborted: the signal's reason, or an AbortError. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
