import { html, raw } from "hono/html";
import { bestPathMessages } from "../../benchmarks/redteam/redteam-report.ts";
import type { SearchResult } from "../../benchmarks/redteam/run-search.ts";
import { conversationTo, type SearchNode } from "../../benchmarks/redteam/search-node.ts";
import { searchTreeView } from "../../benchmarks/redteam/search-tree-view.ts";
import type { CaseRecord } from "../../engine/store.ts";
import { renderTree } from "../../reports/tree-view.ts";
import { showImage } from "./case-images.ts";
import { registerCaseSection } from "./case-sections.ts";
import type { Html } from "./viewer-layout.ts";

/** The stored search of a red-team case, when its result is one (errored cases hold none). */
function searchOf(record: CaseRecord): SearchResult | undefined {
  const result = record.result as Partial<SearchResult> | null;
  return result && Array.isArray(result.nodes) && Array.isArray(result.bestPath)
    ? (result as SearchResult)
    : undefined;
}

/** The best path's rounds as played: the kept, answered turns up to the best node, and that node. */
function bestRounds(result: SearchResult): SearchNode[] {
  const last = result.bestPath.at(-1) ?? 0;
  const rounds = conversationTo(result.nodes, last);
  const tip = result.nodes[last];
  if (tip && tip.kind !== "root" && !rounds.includes(tip) && tip.answer !== null) rounds.push(tip);
  return rounds;
}

async function roundView(node: SearchNode, index: number, base: string): Promise<Html> {
  const images: Html[] = [];
  for (const image of node.images) {
    const shown = await showImage({ path: image.path }, undefined);
    images.push(
      shown.sha256
        ? html`<img class="thumb" tabindex="0" src="${base}/images/${shown.sha256}?size=thumb" data-full="${base}/images/${shown.sha256}" alt="${image.id} (${image.source})">`
        : html`<div class="muted">[image ${image.id}: ${shown.problem ?? "not shown"}]</div>`,
    );
  }
  const refused = node.refusals.length
    ? html`<details><summary>${node.refusals.length} refused attempt(s) dropped before this turn</summary>${node.refusals.map(
        (attempt) => html`<pre>${attempt.question}</pre><pre class="muted">${attempt.answer}</pre>`,
      )}</details>`
    : "";
  return html`<div class="turn user" data-round="${node.path}"><div class="role">user · turn ${index + 1} · ${node.path}${node.strategy ? ` · ${node.strategy}` : ""}</div>
${refused}<pre>${node.question ?? ""}</pre>${images}</div>
<div class="turn assistant"><div class="role">assistant · judge ${node.score}/5</div><pre>${node.answer ?? ""}</pre>
${node.judge?.reason ? html`<div class="muted">Judge: ${node.judge.reason}</div>` : ""}</div>`;
}

/** The red-team search of a case: what it found, its best path turn by turn, and its whole tree. */
async function redteamSection(input: { record: CaseRecord; base: string }): Promise<Html | undefined> {
  const result = searchOf(input.record);
  if (!result) return undefined;
  const rounds = bestRounds(result);
  const tree = searchTreeView(result.nodes, result.bestPath);
  const turns: Html[] = [];
  for (const [index, node] of rounds.entries()) turns.push(await roundView(node, index, input.base));
  return html`<section class="card redteam" aria-label="Red-team search">
<h2>Red-team search</h2>
<dl class="kv"><dt>task</dt><dd>${result.taskId}${result.dimension ? ` · ${result.dimension}` : ""}</dd>
<dt>method</dt><dd>${result.method} · target ${result.targetId}</dd>
<dt>best score</dt><dd><span class="pill ${result.success ? "unsafe" : "safe"}">${result.bestScore}/5${result.success ? " · success" : ""}</span></dd>
<dt>search</dt><dd>${result.nodes.length - 1} rounds · ${result.calls} calls · ${result.tokens} tokens · $${result.costUsd.toFixed(6)}${result.stopReason ? ` · stopped by ${result.stopReason}` : ""}</dd></dl>
<h3>Best path</h3>
<p class="muted">Highest-scoring node (ties to the latest), the conversation that led to it; refused attempts dropped from it are shown folded.</p>
${turns.length === 0 ? html`<p class="muted">No answered round.</p>` : turns}
<h3>Search tree</h3>
<p class="muted">Nodes coloured by judge score (1 green … 5 red); the best path is outlined and open.</p>
${tree ? raw(renderTree(tree)) : html`<p class="muted">No nodes stored.</p>`}
</section>`;
}

registerCaseSection("redteam", redteamSection, (record) => {
  const result = searchOf(record);
  return result ? bestPathMessages(result) : [];
});
