import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGuardedSimulator } from "../../testing/guard-test-fixtures.ts";
import { SqliteGuardAuditLog } from "./guard-audit-log.ts";

// Item 6 of issue 12: bodies the guard will not read (too deep, too many messages, more text
// than it moderates at once) are the client's fault: 400, audited as rejected, never forwarded.
let started: Awaited<ReturnType<typeof startGuardedSimulator>>;
let audit: SqliteGuardAuditLog;
beforeAll(async () => {
  audit = new SqliteGuardAuditLog(":memory:", { flushMs: 1 });
  started = await startGuardedSimulator({ audit, maxMessages: 100, maxTextChars: 50_000 });
});
afterAll(() => started.close());

function post(body: string): Promise<Response> {
  return fetch(`${started.guard.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
}

describe("guard request limits (client faults are 400)", () => {
  it.each([
    [
      "10,000-deep JSON",
      `{"model":"m","messages":[{"role":"user","content":"hi"}],"metadata":${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
      /deeper than 64 levels/,
    ],
    [
      "10,000-deep JSON inside a tool definition",
      `{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`,
      /deeper than 64 levels/,
    ],
    [
      "too many messages",
      JSON.stringify({
        model: "m",
        messages: Array.from({ length: 101 }, () => ({ role: "user", content: "hi" })),
      }),
      /at most 100 messages/,
    ],
    [
      "more text than the guard moderates at once",
      JSON.stringify({ model: "m", messages: [{ role: "user", content: "word ".repeat(12_000) }] }),
      /60000 characters of text; this guard moderates at most 50000/,
    ],
  ])("%s", async (_name, body, message) => {
    const before = started.simulator.stats().requests;
    const response = await post(body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { message: string; type: string } }).error;
    expect(error.message).toMatch(message);
    expect(error.type).toBe("invalid_request_error");
    expect(started.simulator.stats().requests).toBe(before);
    const id = response.headers.get("x-request-id");
    const row = audit.rows().find((entry) => entry.request_id === id);
    expect(row).toMatchObject({ outcome: "rejected" });
  });
});
