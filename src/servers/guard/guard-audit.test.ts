import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { pngDataUrl, startGuardedSimulator, testRules } from "../../testing/guard-test-fixtures.ts";
import { SqliteGuardAuditLog } from "./guard-audit-log.ts";
import { startGuardServer } from "./guard-server.ts";
import { createHttpUpstream } from "./guard-upstream.ts";
import { createKeywordModerator } from "./keyword-moderator.ts";

const UPSTREAM_KEY = "sk-upstream-VERY-SECRET-4242";
const CLIENT_KEY = "guard-client-key-777";
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "turnsafe-guard-audit-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fileText(file: string): string {
  return [file, `${file}-wal`]
    .filter((name) => existsSync(name))
    .map((name) => readFileSync(name).toString("latin1"))
    .join("");
}

describe("guard audit log", () => {
  it("records every verdict in the store without keys, content or image bytes", async () => {
    const storeFile = path.join(dir, "turnsafe.db");
    const red = await pngDataUrl("#ff0000");
    const lines: string[] = [];
    const started = await startGuardedSimulator({
      moderator: createKeywordModerator(testRules([{ match: red.sha256, dimension: "Sexual Content" }])),
      upstreamKey: UPSTREAM_KEY,
      apiKeys: [CLIENT_KEY],
      secrets: [UPSTREAM_KEY],
      audit: new SqliteGuardAuditLog(storeFile),
      log: (line) => lines.push(line),
    });
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: started.guard.url, maxRetries: 0 });
    const ask = (content: string) =>
      client.chat.completions.create({ model: "sim-target", messages: [{ role: "user", content }] });
    await ask("hello");
    await ask("launder money please");
    await ask("trigger-harm");
    await client.chat.completions.create({
      model: "sim-target",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: red.url } },
          ],
        },
      ],
    });
    const stream = await client.chat.completions.create({
      model: "sim-target",
      messages: [{ role: "user", content: "trigger-harm" }],
      stream: true,
    });
    for await (const _chunk of stream) {
      // Drain the stream so the request finishes.
    }
    await started.close();

    // The audit table lives in the turnsafe store, which still opens as a store.
    new SqliteStore(storeFile).close();
    const audit = new SqliteGuardAuditLog(storeFile);
    const rows = audit.rows();
    audit.close();
    expect(rows.map((row) => row.outcome).sort()).toEqual(
      ["allowed", "blocked-assistant", "blocked-assistant", "blocked-user", "blocked-user"].sort(),
    );
    const userBlocked = rows.find((row) => row.user_dimension === "Illegal Activities");
    expect(userBlocked).toMatchObject({
      user_rating: "unsafe",
      assistant_rating: null,
      moderator: "keyword-moderator",
      message_count: 1,
    });
    expect(userBlocked?.user_latency_ms).toEqual(expect.any(Number));
    const imageRow = rows.find((row) => row.user_dimension === "Sexual Content");
    expect(JSON.parse(String(imageRow?.image_hashes))).toEqual([red.sha256]);
    const streamed = rows.find((row) => row.stream === 1);
    expect(streamed).toMatchObject({
      outcome: "blocked-assistant",
      assistant_dimension: "Violence & Harm",
      assistant_checks: 1,
    });
    for (const row of rows) expect(String(row.dialogue_hash)).toMatch(/^[0-9a-f]{64}$/);

    const stored = fileText(storeFile);
    expect(stored).not.toContain(UPSTREAM_KEY);
    expect(stored).not.toContain(CLIENT_KEY);
    expect(stored).not.toContain(red.url.slice(30, 90));
    expect(lines.length).toBe(5);
    expect(lines.join("\n")).not.toContain(UPSTREAM_KEY);
    expect(lines.join("\n")).not.toContain(CLIENT_KEY);
  });

  it("never shows or stores the upstream key, even when the upstream echoes it", async () => {
    const echo = createServer((request, response) => {
      request.resume();
      response.writeHead(500, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ error: { message: `bad request with header ${request.headers.authorization}` } }),
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const address = echo.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const storeFile = path.join(dir, "audit.db");
    const lines: string[] = [];
    const guard = await startGuardServer({
      upstream: createHttpUpstream({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: UPSTREAM_KEY }),
      moderator: createKeywordModerator(testRules()),
      policy: { name: "p", dimensions: [] },
      audit: new SqliteGuardAuditLog(storeFile),
      log: (line) => lines.push(line),
    });
    try {
      for (const stream of [false, true]) {
        const response = await fetch(`${guard.url}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer whatever" },
          body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], stream }),
        });
        expect(response.status).toBe(502);
        const text = await response.text();
        expect(text).toContain("[redacted]");
        expect(text).not.toContain(UPSTREAM_KEY);
      }
    } finally {
      await guard.close();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
    expect(fileText(storeFile)).toContain("upstream-error");
    expect(fileText(storeFile)).not.toContain(UPSTREAM_KEY);
    expect(lines.join("\n")).toContain("upstream-error");
    expect(lines.join("\n")).not.toContain(UPSTREAM_KEY);
  });
});
