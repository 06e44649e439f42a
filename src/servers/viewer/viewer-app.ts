import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { html } from "hono/html";
import { streamSSE } from "hono/streaming";
import type { RunRecord, ScoreRecord, Store } from "../../engine/store.ts";
import { InputError, TurnsafeError } from "../../errors.ts";
import { filterCases } from "./case-filter.ts";
import { caseImageBytes } from "./case-images.ts";
import { casePage } from "./case-page.ts";
import { parseCaseQuery, withParams } from "./case-query-params.ts";
import { caseMessages } from "./case-sections.ts";
import "./redteam-case-section.ts";
import { comparePage } from "./compare-page.ts";
import { compareSides } from "./compare-runs.ts";
import { runLoadingPage, runPage } from "./run-page.ts";
import { runsPage } from "./runs-page.ts";
import { viewerGuard } from "./viewer-guard.ts";
import { layout, VIEWER_CSS } from "./viewer-layout.ts";
import { VIEWER_SCRIPT } from "./viewer-script.ts";
import { ViewerState } from "./viewer-state.ts";

export interface ViewerOptions {
  store: Store;
  /** Allow human labels to be written (the viewer's one write); read-only otherwise. */
  labels?: boolean;
  /** Required on every request when set (a viewer bound beyond loopback must have one). */
  accessKey?: string;
  /** True when bound to a loopback address: requests naming another host are refused. */
  loopback?: boolean;
  /** Dialogue field the grid calls category (default `category`). */
  categoryKey?: string;
  /** How often live progress is read from the store, in ms (default 1000). */
  progressIntervalMs?: number;
}

function imageBaseDir(run: RunRecord): string | undefined {
  return (run.config as { resolved?: { imageBaseDir?: string } } | null)?.resolved?.imageBaseDir;
}

/** The web viewer over a store: runs, case grid, case pages, comparisons, labels, live progress. */
export function createViewerApp(options: ViewerOptions): Hono {
  const state = new ViewerState(options.store, options.categoryKey);
  const formToken = randomBytes(16).toString("hex");
  const app = new Hono();
  app.use(viewerGuard({ accessKey: options.accessKey, loopback: options.loopback ?? true }));
  app.onError((error, c) => {
    const status = error instanceof InputError ? 400 : 500;
    const message =
      error instanceof TurnsafeError ? error.message : `internal error: ${(error as Error).message}`;
    return c.html(
      layout(
        "Error",
        html`<h1>${status === 400 ? "Bad request" : "Error"}</h1><p class="error">${message}</p>`,
      ),
      status,
    );
  });
  const requireRun = (id: string): RunRecord => {
    const run = options.store.getRun(id);
    if (!run) throw new InputError(`no run "${id}" in this store`, "run");
    return run;
  };

  app.get("/assets/viewer.css", (c) =>
    c.body(VIEWER_CSS, 200, { "Content-Type": "text/css; charset=utf-8" }),
  );
  app.get("/assets/viewer.js", (c) =>
    c.body(VIEWER_SCRIPT, 200, { "Content-Type": "text/javascript; charset=utf-8" }),
  );

  app.get("/", (c) => {
    const progress = state.progress();
    void state.warm();
    return c.html(runsPage(options.store.listRuns(), progress, (row) => state.summary(row)));
  });

  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      let last = "";
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      while (open) {
        const data = JSON.stringify(state.progress());
        if (data !== last) {
          last = data;
          await stream.writeSSE({ event: "progress", data });
        }
        await stream.sleep(options.progressIntervalMs ?? 1000);
      }
    }),
  );

  app.get("/runs/:run", (c) => {
    const run = requireRun(c.req.param("run"));
    const params = new URL(c.req.url).searchParams;
    const query = parseCaseQuery(params);
    const index = state.ready(run);
    if (!index)
      return c.html(
        runLoadingPage({
          run,
          progress: state.progress().find((row) => row.runId === run.id),
          load: state.loadProgress(run.id) ?? { loaded: 0, total: 0 },
        }),
      );
    return c.html(
      runPage({
        run,
        runs: options.store.listRuns(),
        progress: state.progress().find((row) => row.runId === run.id),
        facets: index.facets(),
        page: filterCases(index.cases, query),
        query,
        params,
      }),
    );
  });

  app.get("/runs/:run/cases/:case", async (c) => {
    const run = requireRun(c.req.param("run"));
    const caseId = c.req.param("case");
    const record = options.store.getCase(run.id, caseId);
    if (!record) throw new InputError(`no case "${caseId}" in run ${run.id}`, "case");
    const labelForm = options.labels
      ? (
          score: ScoreRecord,
        ) => html`<form method="post" action="/runs/${encodeURIComponent(run.id)}/cases/${encodeURIComponent(caseId)}/labels" class="filters label-form">
<input type="hidden" name="token" value="${formToken}"><input type="hidden" name="scorer" value="${score.scorer}">
<label>This verdict is<select name="verdict"><option value="right">right</option><option value="wrong">wrong</option></select></label>
<label>Note<input name="note" maxlength="2000"></label><button type="submit">Save label</button></form>`
      : undefined;
    const params = new URL(c.req.url).searchParams;
    return c.html(
      await casePage({
        run,
        record,
        scores: options.store.scoresForCase(run.id, caseId),
        calls: options.store.viewer().callsForCase(run.id, caseId),
        labels: options.store.viewer().labelsForCase(run.id, caseId),
        imageBaseDir: imageBaseDir(run),
        back: withParams(params, {}),
        labelForm,
      }),
    );
  });

  app.get("/runs/:run/cases/:case/images/:sha256", async (c) => {
    const run = requireRun(c.req.param("run"));
    const record = options.store.getCase(run.id, c.req.param("case"));
    const sha256 = c.req.param("sha256");
    if (!record || !/^[0-9a-f]{64}$/.test(sha256)) return c.text("no such image", 404);
    const messages = caseMessages(run.recipe, record);
    const image = await caseImageBytes(messages, sha256, imageBaseDir(run), c.req.query("size") === "thumb");
    if (!image) return c.text("no such image in this case", 404);
    return c.body(new Uint8Array(image.bytes), 200, {
      "Content-Type": image.mediaType,
      "Cache-Control": "private, max-age=31536000, immutable",
    });
  });

  app.post("/runs/:run/cases/:case/labels", async (c) => {
    if (!options.labels)
      return c.text("this viewer is read-only: start it with --labels to record human labels", 403);
    const form = await c.req.parseBody();
    if (form.token !== formToken)
      return c.text("the form is stale or from another site; reload the page", 403);
    const run = requireRun(c.req.param("run"));
    const caseId = c.req.param("case");
    const scorer = typeof form.scorer === "string" ? form.scorer : "";
    if (!options.store.scoresForCase(run.id, caseId).some((score) => score.scorer === scorer))
      throw new InputError(`case ${caseId} has no verdict by "${scorer}"`, "scorer");
    if (form.verdict !== "right" && form.verdict !== "wrong")
      throw new InputError("verdict must be right or wrong", "verdict");
    const note = typeof form.note === "string" && form.note.trim() ? form.note.trim().slice(0, 2000) : null;
    options.store.viewer().putLabel({
      runId: run.id,
      caseId,
      scorer,
      verdict: form.verdict,
      note,
      createdAt: new Date().toISOString(),
    });
    return c.redirect(`/runs/${encodeURIComponent(run.id)}/cases/${encodeURIComponent(caseId)}`, 303);
  });

  app.get("/labels.jsonl", (c) => {
    const rows = options.store.viewer().exportLabels(c.req.query("run") || undefined);
    return c.body(rows.map((row) => `${JSON.stringify(row)}\n`).join(""), 200, {
      "Content-Type": "application/x-ndjson; charset=utf-8",
    });
  });

  app.get("/compare", async (c) => {
    const get = (name: string) => {
      const value = c.req.query(name)?.trim();
      if (!value) throw new InputError(`compare needs the ${name} parameter`, name);
      return value;
    };
    const a = { run: requireRun(get("a")), arm: get("armA") };
    const b = { run: requireRun(get("b")), arm: get("armB") };
    const comparison = compareSides(
      { cases: (await state.index(a.run)).cases, arm: a.arm },
      { cases: (await state.index(b.run)).cases, arm: b.arm },
      get("judge"),
      c.req.query("fail")?.trim() || "unsafe",
    );
    return c.html(comparePage({ a, b, comparison }));
  });

  return app;
}
