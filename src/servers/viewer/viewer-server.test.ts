import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { ConfigError } from "../../errors.ts";
import { startViewer } from "./viewer-server.ts";

describe("viewer server", () => {
  it("refuses to listen beyond loopback without an access key", async () => {
    const store = new SqliteStore(":memory:");
    await expect(startViewer({ store, host: "0.0.0.0", port: 0 })).rejects.toThrow(ConfigError);
    store.close();
  });

  it("listens on 127.0.0.1 by default and serves the runs list over HTTP", async () => {
    const store = new SqliteStore(":memory:");
    const viewer = await startViewer({ store, port: 0 });
    try {
      expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const response = await fetch(viewer.url);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("No runs in this store yet");
    } finally {
      await viewer.close();
      store.close();
    }
  });

  it("prints a URL carrying the key when one is set", async () => {
    const store = new SqliteStore(":memory:");
    const viewer = await startViewer({ store, port: 0, accessKey: "a-key-of-some-length" });
    try {
      expect(viewer.url).toContain("?key=a-key-of-some-length");
      expect((await fetch(viewer.url.replace(/\?key=.*/, ""))).status).toBe(401);
      // The key in the URL sets the cookie and redirects to the same page without it.
      const entry = await fetch(viewer.url, { redirect: "manual" });
      expect(entry.status).toBe(303);
      const cookie = (entry.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      expect((await fetch(viewer.url.replace(/\?key=.*/, ""), { headers: { cookie } })).status).toBe(200);
    } finally {
      await viewer.close();
      store.close();
    }
  });
});
