import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FETCH_POLICY, isPublicAddress, redact, safeFetch } from "./safe-fetch.ts";

describe("isPublicAddress", () => {
  it.each([
    ["8.8.8.8", true],
    ["1.1.1.1", true],
    ["2606:4700:4700::1111", true],
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["::1", false],
    ["fe80::1", false],
    ["fd00::1", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:8.8.8.8", true],
    ["not-an-ip", false],
  ])("%s -> %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("safeFetch", () => {
  let server: Server;
  let port: number;
  const png = Buffer.from("89504e470d0a1a0a0000", "hex");
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/big") {
        response.writeHead(200, { "content-type": "image/png" });
        response.end(Buffer.alloc(5000));
      } else if (request.url === "/redirect-private") {
        response.writeHead(302, { location: "http://10.0.0.1/secret.png" });
        response.end();
      } else if (request.url === "/slow") {
        setTimeout(() => response.end(png), 2000);
      } else {
        response.writeHead(200, { "content-type": "image/png" });
        response.end(png);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // Tests reach a loopback server only by explicitly allowing that one address.
  const loopbackAllowed = {
    ...DEFAULT_FETCH_POLICY,
    allow: true,
    timeoutMs: 500,
    maxBytes: 1000,
    isAddressAllowed: (address: string) => address === "127.0.0.1",
  };

  it("is off unless allowed", async () => {
    await expect(safeFetch(`http://127.0.0.1:${port}/a.png`, DEFAULT_FETCH_POLICY)).rejects.toThrow(
      /disabled/,
    );
  });

  it("never reaches loopback, private or link-local hosts by default, by literal or by name", async () => {
    const policy = { ...DEFAULT_FETCH_POLICY, allow: true, timeoutMs: 500 };
    for (const url of [
      `http://127.0.0.1:${port}/a.png`,
      "http://169.254.169.254/latest",
      "http://[::1]/a.png",
      "http://10.0.0.8/a.png",
      `http://localhost:${port}/a.png`,
    ])
      await expect(safeFetch(url, policy)).rejects.toThrow(/non-public/);
    await expect(safeFetch("file:///etc/passwd", policy)).rejects.toThrow(/only http and https/);
  });

  it("fetches within limits, and enforces size, time and redirect targets", async () => {
    const ok = await safeFetch(`http://127.0.0.1:${port}/a.png`, loopbackAllowed);
    expect(ok.bytes.equals(png)).toBe(true);
    expect(ok.contentType).toBe("image/png");
    await expect(safeFetch(`http://127.0.0.1:${port}/big`, loopbackAllowed)).rejects.toThrow(
      /larger than 1000/,
    );
    await expect(safeFetch(`http://127.0.0.1:${port}/slow`, loopbackAllowed)).rejects.toThrow(/timed out/);
    await expect(safeFetch(`http://127.0.0.1:${port}/redirect-private`, loopbackAllowed)).rejects.toThrow(
      /non-public/,
    );
  });

  it("redacts credentials and query strings from URLs it reports", () => {
    expect(redact("https://user:pass@example.com/a.png?token=secret")).toBe("https://example.com/a.png?…");
  });
});
