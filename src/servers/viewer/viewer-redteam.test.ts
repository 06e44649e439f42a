import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRedteamRun } from "../../benchmarks/redteam/redteam-benchmark.ts";
import type { SearchResult } from "../../benchmarks/redteam/run-search.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { type RedteamFixture, redteamFixture } from "../../testing/redteam-fixture.ts";
import { createViewerApp } from "./viewer-app.ts";

let fixture: RedteamFixture;
let store: SqliteStore;
let runId: string;
beforeAll(async () => {
  fixture = await redteamFixture();
  // One MCTS search of the bundled task with images, against the red-team simulator script.
  const plan = await fixture.plan({ methods: ["mcts"], budget: { calls: 40 } });
  await executeRedteamRun(plan);
  store = new SqliteStore(plan.storePath);
  runId = store.listRuns()[0]?.id ?? "";
}, 60_000);
afterAll(async () => {
  store?.close();
  await fixture.simulator.close();
});

const get = (url: string) =>
  createViewerApp({ store }).request(`http://127.0.0.1:8790${url}`, { headers: { host: "127.0.0.1:8790" } });

describe("viewer: a red-team case", () => {
  it("shows the search's best path turn by turn and its tree, the best path open", async () => {
    const record = [...store.iterateCases(runId)][0];
    expect(record?.status).toBe("done");
    const result = record?.result as SearchResult;
    expect(result.nodes.length).toBeGreaterThan(2);
    const response = await get(`/runs/${runId}/cases/${encodeURIComponent(record?.caseId ?? "")}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("<h2>Red-team search</h2>");
    expect(page).toContain(`${result.bestScore}/5`);
    expect(page).toContain(`${result.nodes.length - 1} rounds`);
    // The tree: one node per stored node (root included), the best path's nodes open.
    expect(page).toContain('<ul class="search-tree"');
    expect(page.match(/<li>/g)?.length).toBe(result.nodes.length);
    const bestTip = result.nodes[result.bestPath.at(-1) ?? 0];
    expect(page).toContain(bestTip?.path);
    expect(page).toContain("<details open><summary>");
    // The best path's turns: each question and answer, escaped.
    const firstRound = result.nodes[result.bestPath[1] ?? 0];
    const escaped = (text: string) =>
      text
        .replaceAll("&", "&amp;")
        .replaceAll("<", "&lt;")
        .replaceAll(">", "&gt;")
        .replaceAll('"', "&quot;")
        .replaceAll("'", "&#39;");
    expect(page).toContain(escaped(firstRound?.question ?? "no question"));
  });

  it("serves the best path's images by content hash", async () => {
    const bestPathHasImage = (result: SearchResult) =>
      result.bestPath.some((id) => (result.nodes[id]?.images.length ?? 0) > 0);
    const withImages = [...store.iterateCases(runId)].find((record) =>
      bestPathHasImage(record.result as SearchResult),
    );
    expect(withImages, "a best path with an image").toBeDefined();
    const base = `/runs/${runId}/cases/${encodeURIComponent(withImages?.caseId ?? "")}`;
    const html = await (await get(base)).text();
    const src = html.match(/src="([^"]+\/images\/[0-9a-f]{64})\?size=thumb"/)?.[1];
    expect(src, "a thumbnail on the page").toBeDefined();
    const image = await get(`${src}?size=thumb`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
  });
});
