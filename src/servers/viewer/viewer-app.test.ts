import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import {
  fillViewerRun,
  finishFixtureCase,
  fixtureDialogue,
  fixtureUnsafe,
} from "../../testing/viewer-fixture.ts";
import { createViewerApp } from "./viewer-app.ts";

const HOST = { host: "127.0.0.1:8790" };

function setup(options: { labels?: boolean; accessKey?: string } = {}) {
  const store = new SqliteStore(":memory:");
  fillViewerRun(store, { runId: "a", cases: 120, seed: 1 });
  fillViewerRun(store, { runId: "b", cases: 120, seed: 2 });
  const app = createViewerApp({ store, ...options });
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.request(`http://127.0.0.1:8790${url}`, { headers: { ...HOST, ...headers } });
  return { store, app, get };
}

const unsafeCount = (cases: number, seed: number, target: number) =>
  Array.from({ length: cases }, (_, index) => index).filter(
    (index) =>
      index % 50 !== 7 && !(target === 1 && index % 40 === 39) && fixtureUnsafe(index + target, seed),
  ).length;

describe("viewer app", () => {
  it("lists runs under a CSP that allows nothing outside the viewer", async () => {
    const { get } = setup();
    const response = await get("/");
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const page = await response.text();
    expect(page).toContain('href="/runs/a"');
    expect(page).not.toMatch(/(src|href)="https?:/);
  });

  it("filters the grid from the URL: one verdict must match every score condition", async () => {
    const { get } = setup();
    const page = await (await get("/runs/a?judge=safety&target=sim%3Abeta&verdict=unsafe")).text();
    expect(page).toContain(`<b>${unsafeCount(120, 1, 1)}</b> matching cases`);
    const errored = await (await get("/runs/a?status=errored")).text();
    expect(errored).toContain("<b>3</b> matching cases");
    const unparsed = await (await get("/runs/a?score=unparsed")).text();
    expect(unparsed).toContain("<b>3</b> matching cases");
    const text = await (await get("/runs/a?q=TOPIC-42")).text();
    expect(text).toContain("<b>1</b> matching cases");
    expect(text).toContain("case-000042");
  });

  it("answers a bad filter with 400 naming the parameter", async () => {
    const { get } = setup();
    const response = await get("/runs/a?turns=many");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("turns must be a whole number");
  });

  it("shows a case's transcript, verdicts and calls, and serves its image by content hash", async () => {
    const { get } = setup();
    const page = await (await get("/runs/a/cases/case-000010")).text();
    expect(page).toContain("Case 10 turn 1");
    expect(page).toContain("safety@sim:alpha");
    // Case 10 has 2 user turns: the last call was sent turn 1, its answer and turn 2.
    expect(page).toContain("Request as sent (3 messages)");
    expect(page).not.toContain("Not as played");
    const src = /src="([^"]+\/images\/[0-9a-f]{64})\?size=thumb"/.exec(page)?.[1];
    expect(src).toBeDefined();
    const image = await get(`${src}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    const thumb = await get(`${src}?size=thumb`);
    expect(thumb.status).toBe(200);
    expect((await get(`/runs/a/cases/case-000010/images/${"0".repeat(64)}`)).status).toBe(404);
  });

  it("links the turns a verdict's rationale names as evidence", async () => {
    const { get } = setup();
    const index =
      Array.from({ length: 120 }, (_, i) => i).find((i) => i % 50 !== 7 && fixtureUnsafe(i, 1)) ?? -1;
    const page = await (await get(`/runs/a/cases/case-${String(index).padStart(6, "0")}`)).text();
    // The fixture's unsafe rationale cites "(turn 1)".
    expect(page).toContain('data-evidence="sim:alpha" data-turn-link="1"');
    expect(page).toContain('data-turn="1"');
  });

  it("is read-only unless started with labels; a label needs the page's form token", async () => {
    const readOnly = setup();
    const refused = await readOnly.app.request("http://127.0.0.1:8790/runs/a/cases/case-000001/labels", {
      method: "POST",
      headers: HOST,
      body: new URLSearchParams({ scorer: "safety@sim:alpha", verdict: "wrong" }),
    });
    expect(refused.status).toBe(403);
    const { app, get, store } = setup({ labels: true });
    const page = await (await get("/runs/a/cases/case-000001")).text();
    const token = /name="token" value="([0-9a-f]+)"/.exec(page)?.[1] ?? "";
    const post = (body: Record<string, string>) =>
      app.request("http://127.0.0.1:8790/runs/a/cases/case-000001/labels", {
        method: "POST",
        headers: HOST,
        body: new URLSearchParams(body),
      });
    expect((await post({ token: "forged", scorer: "safety@sim:alpha", verdict: "wrong" })).status).toBe(403);
    expect((await post({ token, scorer: "nobody@x", verdict: "wrong" })).status).toBe(400);
    expect(
      (await post({ token, scorer: "safety@sim:alpha", verdict: "wrong", note: "refused" })).status,
    ).toBe(303);
    expect(store.viewer().labelsForCase("a", "case-000001")).toEqual([
      expect.objectContaining({ verdict: "wrong", note: "refused" }),
    ]);
    const exported = await (await get("/labels.jsonl?run=a")).text();
    expect(JSON.parse(exported.trim())).toMatchObject({ scorer: "safety@sim:alpha", verdict: "wrong" });
  });

  it("compares two runs on paired cases with McNemar's test", async () => {
    const { get } = setup();
    const page = await (
      await get("/compare?a=a&armA=sim%3Aalpha&b=b&armB=sim%3Aalpha&judge=safety&fail=unsafe")
    ).text();
    let onlyA = 0;
    let onlyB = 0;
    for (let index = 0; index < 120; index++) {
      if (index % 50 === 7) continue;
      const a = fixtureUnsafe(index, 1);
      const b = fixtureUnsafe(index, 2);
      if (a && !b) onlyA++;
      if (b && !a) onlyB++;
    }
    expect(onlyA + onlyB).toBeGreaterThan(0);
    expect(page).toContain(`<td>${onlyA} / ${onlyB}</td>`);
    expect(page).toContain(`Flipped cases (${onlyA + onlyB})`);
  });

  it("sees cases a running run finishes after the first visit", async () => {
    const store = new SqliteStore(":memory:");
    fillViewerRun(store, { runId: "live", cases: 10, pending: 10, status: "running" });
    const app = createViewerApp({ store });
    const get = async (url: string) =>
      (await app.request(`http://127.0.0.1${url}`, { headers: HOST })).text();
    expect(await get("/runs/live?status=done")).toContain("<b>10</b> matching cases");
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let index = 10; index < 15; index++)
      finishFixtureCase(store, "live", fixtureDialogue(index), index, ["sim:alpha", "sim:beta"], 1);
    expect(await get("/runs/live?status=done")).toContain("<b>15</b> matching cases");
    expect(await get("/runs/live?status=pending")).toContain("<b>5</b> matching cases");
  });

  it("refuses requests naming another host (DNS rebinding) and, with a key, requests without it", async () => {
    const { get } = setup();
    expect((await get("/", { host: "evil.example:8790" })).status).toBe(403);
    const keyed = setup({ accessKey: "k".repeat(16) });
    expect((await keyed.get("/")).status).toBe(401);
    const entry = await keyed.get(`/?key=${"k".repeat(16)}`);
    expect(entry.status).toBe(303);
    const cookie = entry.headers.get("set-cookie") ?? "";
    expect(cookie).toContain("HttpOnly");
    expect((await keyed.get("/", { cookie: cookie.split(";")[0] ?? "" })).status).toBe(200);
    expect((await keyed.get("/", { authorization: `Bearer ${"k".repeat(16)}` })).status).toBe(200);
  });
});

describe("viewer app: requests as sent", () => {
  it("says what the store holds for a judge call, whose request it does not keep", async () => {
    const { get, store } = setup();
    store.putCall({
      workKey: "a\u001fcase-000001\u001fjudge\u001fsafety@sim:alpha",
      runId: "a",
      caseId: "case-000001",
      role: "judge",
      targetId: "sim:judge",
      requestHash: "f".repeat(64),
      status: "ok",
      cached: false,
      attempts: 1,
      rateLimited: 0,
      serverErrors: 0,
      error: null,
      text: "safe: the answer refused",
      keepsText: true,
      usage: { inputTokens: 300, outputTokens: 9 },
      costUsd: 0.001,
      latencyMs: 80,
      createdAt: "2026-01-01T00:00:01.000Z",
    });
    const page = await (await get("/runs/a/cases/case-000001")).text();
    const judge = page.slice(page.indexOf("<dt>role</dt><dd>judge"));
    expect(judge).toContain("Request as sent: not kept by the store. The judge&#39;s prompt is built from");
    expect(judge).toContain("f".repeat(64));
    expect(judge).toContain("safe: the answer refused");
    // Target calls on the played transcript still show the request rebuilt from it.
    expect(page).toContain("Request as sent (");
  });
});
