import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { fillViewerRun, finishFixtureCase, fixtureDialogue } from "../../testing/viewer-fixture.ts";
import { createViewerApp } from "./viewer-app.ts";
import { LOAD_CHUNK } from "./viewer-state.ts";

function setup(fill: (store: SqliteStore) => void) {
  const store = new SqliteStore(":memory:");
  fill(store);
  const app = createViewerApp({ store });
  const get = async (url: string) => {
    const response = await app.request(`http://127.0.0.1:8790${url}`, {
      headers: { host: "127.0.0.1:8790" },
    });
    expect(response.status, url).toBe(200);
    return response.text();
  };
  return { store, get };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const loaded = (page: string) => Number(/Loading the run's cases: (\d+) of/.exec(page)?.[1] ?? Number.NaN);

describe("viewer: the first visit of a large run", () => {
  it("reads it in chunks, one per turn of the event loop, saying how far it is, and other pages answer meanwhile", async () => {
    const cases = LOAD_CHUNK * 2 + LOAD_CHUNK / 2;
    const { get } = setup((store) => fillViewerRun(store, { runId: "big", cases, seed: 1 }));
    const first = await get("/runs/big");
    expect(first).toContain(`Loading the run's cases: ${LOAD_CHUNK} of ${cases} read`);
    expect(first).toContain("data-loading");
    expect(first).not.toContain('id="cases"');
    // The runs list (and its live progress) answers while the run is still being read.
    expect(await get("/")).toContain('href="/runs/big"');
    expect(loaded(await get("/runs/big"))).toBe(LOAD_CHUNK);
    const seen: number[] = [];
    let page = "";
    for (let turns = 0; turns < 20; turns++) {
      await turn();
      page = await get("/runs/big");
      if (!page.includes("data-loading")) break;
      seen.push(loaded(page));
    }
    expect(seen.length, "a page while the rest was read").toBeGreaterThan(0);
    expect(seen.every((count) => count > LOAD_CHUNK && count < cases)).toBe(true);
    expect(page).toContain(`<b>${cases}</b> matching cases`);
    // Every case read once, with its verdicts: every 40th errored, every 50th verdict unparsed.
    expect(await get("/runs/big?status=errored")).toContain(`<b>${Math.floor(cases / 40)}</b> matching`);
    expect(await get("/runs/big?q=topic-996")).toContain(
      `<b>${Array.from({ length: cases }, (_, i) => i).filter((i) => i % 997 === 996).length}</b> matching`,
    );
  });

  it("loses no case finished while a running run is being read", async () => {
    const finished = LOAD_CHUNK * 2 + LOAD_CHUNK / 2;
    const pending = LOAD_CHUNK;
    const { store, get } = setup((store) =>
      fillViewerRun(store, { runId: "live", cases: finished, pending, status: "running" }),
    );
    expect(await get("/runs/live")).toContain("data-loading");
    // Finish a pending case that the load has already read (it is in the first chunks read).
    const late = finished + 1;
    let finishedLate = false;
    let page = "";
    for (let turns = 0; turns < 20; turns++) {
      await turn();
      page = await get("/runs/live");
      if (!page.includes("data-loading")) break;
      if (!finishedLate && loaded(page) > late) {
        finishFixtureCase(store, "live", fixtureDialogue(late), late, ["sim:alpha", "sim:beta"], 1);
        finishedLate = true;
      }
    }
    expect(finishedLate, "the case was finished during the load").toBe(true);
    expect(page).toContain(`<b>${finished + pending}</b> matching cases`);
    expect(await get("/runs/live?status=pending")).toContain(`<b>${pending - 1}</b> matching`);
    expect(await get(`/runs/live?q=case%20${late}%20turn`)).toContain("<b>1</b> matching");
  });

  it("opens a run of one chunk at once", async () => {
    const { get } = setup((store) => fillViewerRun(store, { runId: "small", cases: 30, seed: 1 }));
    expect(await get("/runs/small")).toContain("<b>30</b> matching cases");
  });
});
