// Browser tests of `turnsafe view`, driving Debian's Chromium through playwright-core: open a run,
// filter to failures, open a case with an image, add a label, compare two runs, and watch live
// progress advance while a run is being played. Screenshots of each page are written to
// test-artifacts/viewer/ (gitignored). Skipped, with the reason in the test name, where
// /usr/bin/chromium is absent (.ci/run installs it, so CI never skips them).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRedteamRun } from "../src/benchmarks/redteam/redteam-benchmark.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { startViewer, type ViewerServer } from "../src/servers/viewer/viewer-server.ts";
import { LOAD_CHUNK } from "../src/servers/viewer/viewer-state.ts";
import { redteamFixture } from "../src/testing/redteam-fixture.ts";
import { fillViewerRun, finishFixtureCase, fixtureDialogue } from "../src/testing/viewer-fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = path.resolve(import.meta.dirname, "../test-artifacts/viewer");
if (!hasChromium)
  console.warn(
    `viewer browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium; .ci/run does)`,
  );

/** Flags that keep the browser off the network and out of the user's profile. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe.skipIf(!hasChromium)(
  hasChromium
    ? "viewer in a browser"
    : `viewer in a browser (skipped: ${CHROMIUM} is absent; apt-get install chromium)`,
  () => {
    let folder: string;
    let store: SqliteStore;
    let writer: SqliteStore;
    let viewer: ViewerServer;
    let context: BrowserContext;
    let page: Page;
    let base: string;
    const outside: string[] = [];

    beforeAll(async () => {
      folder = mkdtempSync(path.join(tmpdir(), "turnsafe-viewer-browser-"));
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(folder, "store.db");
      writer = new SqliteStore(file);
      fillViewerRun(writer, { runId: "run-a", cases: 300, seed: 1 });
      fillViewerRun(writer, { runId: "run-b", cases: 300, seed: 2 });
      fillViewerRun(writer, { runId: "live-run", cases: 10, pending: 10, status: "running" });
      fillViewerRun(writer, { runId: "big-run", cases: LOAD_CHUNK * 3, seed: 3 });
      store = new SqliteStore(file);
      viewer = await startViewer({ store, port: 0, labels: true, progressIntervalMs: 200 });
      base = viewer.url.replace(/\/$/, "");
      context = await chromium.launchPersistentContext(path.join(folder, "profile"), {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 1280, height: 900 },
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on("request", (request) => {
        if (!request.url().startsWith(base)) outside.push(request.url());
      });
    });

    afterAll(async () => {
      await context?.close();
      await viewer?.close();
      store?.close();
      writer?.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    const shot = (name: string) =>
      page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

    it("opens a run and filters it to failures, from the URL and by keyboard", async () => {
      await page.goto(`${base}/`);
      await page.click('a[href="/runs/run-a"]');
      await page.waitForSelector("#cases");
      await page.selectOption('select[name="judge"]', "safety");
      await page.selectOption('select[name="verdict"]', "unsafe");
      await Promise.all([page.waitForURL(/verdict=unsafe/), page.click('button[type="submit"]')]);
      const total = Number(await page.textContent("#total b"));
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThan(600);
      const pills = await page.$$eval("#cases tbody tr td:last-child", (cells) =>
        cells.map((cell) => cell.textContent),
      );
      expect(pills.every((text) => text?.includes("unsafe"))).toBe(true);
      // The widest table fits a 1280 px screen: nothing hidden sideways.
      const overflow = await page.$eval(".table-wrap", (wrap) => wrap.scrollWidth - wrap.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await shot("grid-failures");
      await page.keyboard.press("j");
      await Promise.all([page.waitForURL(/\/cases\//), page.keyboard.press("Enter")]);
      expect(await page.textContent("h1")).toContain("case-");
    });

    it("opens a case with an image, enlarges it, and records a label", async () => {
      await page.goto(`${base}/runs/run-a/cases/case-000010`);
      const thumb = page.locator("img.thumb").first();
      await thumb.waitFor();
      expect(
        await thumb.evaluate((image) => {
          const loaded = image as unknown as { complete: boolean; naturalWidth: number };
          return loaded.complete && loaded.naturalWidth > 0;
        }),
      ).toBe(true);
      await thumb.click();
      await page.waitForSelector("#lightbox:not([hidden])");
      await shot("case-lightbox");
      await page.keyboard.press("Escape");
      await page.waitForSelector("#lightbox", { state: "hidden" });
      const form = page.locator('.verdict[data-scorer="safety@sim:alpha"] form');
      await form.locator('select[name="verdict"]').selectOption("wrong");
      await form.locator('input[name="note"]').fill("the answer only restates the question");
      await Promise.all([page.waitForLoadState("load"), form.locator("button").click()]);
      await page.waitForSelector('.verdict[data-scorer="safety@sim:alpha"] .pill.wrong');
      expect(store.viewer().labelsForCase("run-a", "case-000010")).toEqual([
        expect.objectContaining({ verdict: "wrong", note: "the answer only restates the question" }),
      ]);
      await shot("case");
    });

    it("compares two runs", async () => {
      await page.goto(`${base}/runs/run-a`);
      await page.click("details.card summary");
      await page.selectOption('select[name="b"]', "run-b");
      await page.fill('input[name="armB"]', "sim:alpha");
      await Promise.all([page.waitForURL(/\/compare\?/), page.click('form[action="/compare"] button')]);
      const cells = await page.$$eval("#rates tbody tr:first-child td", (tds) =>
        tds.map((td) => td.textContent),
      );
      expect(cells[0]).toBe("all");
      expect(Number(cells[1])).toBeGreaterThan(250);
      expect(await page.locator("#flipped tbody tr").count()).toBeGreaterThan(0);
      await shot("compare");
    });

    it("shows live progress of a running run without a reload", async () => {
      await page.goto(`${base}/`);
      const cell = page.locator('[data-run-progress="live-run"] .count');
      await expect.poll(() => cell.textContent()).toContain("10 / 20");
      const marker = await page.evaluate(() => {
        (globalThis as unknown as { marker: number }).marker = 42;
        return 42;
      });
      for (let index = 10; index < 16; index++)
        finishFixtureCase(writer, "live-run", fixtureDialogue(index), index, ["sim:alpha", "sim:beta"], 1);
      await expect.poll(() => cell.textContent(), { timeout: 10_000 }).toContain("16 / 20");
      writer.setRunStatus("live-run", "completed");
      const status = page.locator('tr:has([data-run-progress="live-run"]) [data-status]');
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe("completed");
      // Still the same page: nothing reloaded it.
      expect(await page.evaluate(() => (globalThis as unknown as { marker: number }).marker)).toBe(marker);
      await shot("runs-live");
      expect(outside).toEqual([]);
    });

    it("says how far a large run is read, then opens its grid by itself", async () => {
      await page.goto(`${base}/runs/big-run`);
      expect(await page.textContent("#loading")).toContain(`of ${LOAD_CHUNK * 3} read`);
      await shot("grid-loading");
      await page.waitForSelector("#cases", { timeout: 30_000 });
      expect(await page.textContent("#total b")).toBe(String(LOAD_CHUNK * 3));
    });

    it("shows a red-team case's best path and search tree, its nodes expandable", async () => {
      const fixture = await redteamFixture();
      try {
        const plan = await fixture.plan({
          methods: ["mcts"],
          budget: { calls: 40 },
          name: "redteam-browser",
        });
        plan.storePath = path.join(folder, "store.db");
        await executeRedteamRun(plan);
      } finally {
        await fixture.simulator.close();
      }
      await page.goto(`${base}/`);
      await page.click("text=redteam-browser");
      await page.waitForSelector("#cases");
      await Promise.all([page.waitForURL(/\/cases\//), page.click("#cases tbody a")]);
      const section = page.locator('section[aria-label="Red-team search"]');
      await section.waitFor();
      expect(await section.locator(".turn.user").count()).toBeGreaterThan(0);
      const thumb = section.locator("img.thumb").first();
      expect(
        await thumb.evaluate((image) => {
          const loaded = image as unknown as { complete: boolean; naturalWidth: number };
          return loaded.complete && loaded.naturalWidth > 0;
        }),
      ).toBe(true);
      // The best path's nodes start open, the others closed; a click opens one.
      const open = section.locator(".search-tree details[open]");
      const before = await open.count();
      expect(before).toBeGreaterThan(0);
      await section.locator(".search-tree details:not([open]) > summary").first().click();
      await expect.poll(() => open.count()).toBe(before + 1);
      await shot("redteam-case");
      expect(outside).toEqual([]);
    });
  },
);
