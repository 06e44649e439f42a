import { html } from "hono/html";
import type { RunRecord } from "../../engine/store.ts";
import type { RunProgressRow } from "../../engine/viewer-store.ts";
import { type Html, layout } from "./viewer-layout.ts";
import type { RunSummary } from "./viewer-state.ts";

/** Targets named in a run's stored configuration (best effort: recipes store them differently). */
export function configTargets(config: unknown): string[] {
  const targets = (config as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return [];
  return targets.flatMap((target) => {
    if (typeof target === "string") return [target];
    const id =
      (target as { id?: unknown; model?: unknown } | null)?.id ?? (target as { model?: unknown })?.model;
    return typeof id === "string" ? [id] : [];
  });
}

export function progressCell(progress: RunProgressRow | undefined, runId: string): Html {
  const cases = progress?.cases ?? { pending: 0, done: 0, errored: 0 };
  const finished = cases.done + cases.errored;
  const total = finished + cases.pending;
  return html`<span data-run-progress="${runId}"><progress max="${Math.max(total, 1)}" value="${finished}"></progress>
<span class="count">${finished} / ${total}${cases.errored ? ` (${cases.errored} errored)` : ""}</span></span>`;
}

function headline(summary: RunSummary | undefined): Html {
  if (!summary) return html`<span class="muted">counting…</span>`;
  return html`${summary.verdicts.slice(0, 3).map((judge) => {
    const top = [...judge.labels].sort((a, b) => b.count - a.count).slice(0, 3);
    return html`<div><b>${judge.judge}</b>: ${top.map(
      (label) =>
        html`<span class="pill ${label.label}">${label.label} ${((100 * label.count) / Math.max(judge.total, 1)).toFixed(1)}%</span>`,
    )}</div>`;
  })}`;
}

/** The runs list: newest first, with live progress (server-sent events) and headline rates. */
export function runsPage(
  runs: readonly RunRecord[],
  progress: readonly RunProgressRow[],
  summaryOf: (row: RunProgressRow) => RunSummary | undefined,
): Html {
  const byId = new Map(progress.map((row) => [row.runId, row]));
  const rows = runs.map((run) => {
    const row = byId.get(run.id);
    const summary = row ? summaryOf(row) : undefined;
    return html`<tr class="row" tabindex="0">
<td><a href="/runs/${encodeURIComponent(run.id)}">${run.name}</a><div class="muted">${run.id}</div></td>
<td>${run.recipe}${run.simulator ? html` <span class="pill">simulator</span>` : ""}</td>
<td>${configTargets(run.config).join(", ")}</td>
<td><span class="pill ${run.status}" data-status>${run.status}</span></td>
<td>${progressCell(row, run.id)}</td>
<td>${summary ? `$${summary.costUsd.toFixed(4)}` : ""}<div class="muted">${summary ? `${summary.calls} calls` : ""}</div></td>
<td>${headline(summary)}</td>
<td>${run.createdAt.replace("T", " ").slice(0, 19)}</td>
</tr>`;
  });
  return layout(
    "Runs",
    html`<h1>Runs</h1>
${
  runs.length === 0
    ? html`<p>No runs in this store yet: <code>npx turnsafe quickstart</code> makes one.</p>`
    : html`<div class="table-wrap"><table id="runs">
<thead><tr><th>Run</th><th>Recipe</th><th>Targets</th><th>Status</th><th>Progress</th><th>Cost</th><th>Verdicts</th><th>Created</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`,
  );
}
