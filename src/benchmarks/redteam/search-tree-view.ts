import type { TreeView } from "../../reports/tree-view.ts";
import type { SearchNode } from "./search-node.ts";

const QUESTION_CHARS = 100;

/** A search as the report's tree: each node's path, visits, flags and question; the best path highlighted. */
export function searchTreeView(
  nodes: readonly SearchNode[],
  bestPath: readonly number[],
): TreeView | undefined {
  const best = new Set(bestPath);
  const children = new Map<number, SearchNode[]>();
  for (const node of nodes)
    if (node.parent !== null) children.set(node.parent, [...(children.get(node.parent) ?? []), node]);
  const view = (node: SearchNode): TreeView => {
    const question = (node.question ?? "").replace(/\s+/g, " ");
    const flags = [
      node.kind === "simulation" ? "simulation" : "",
      node.refusals.length ? `${node.refusals.length} refused` : "",
      node.error ? `error: ${node.error}` : "",
      node.images.length ? `${node.images.length} image(s)` : "",
      node.imageError ? `image error: ${node.imageError}` : "",
    ].filter(Boolean);
    const label =
      node.kind === "root"
        ? `${nodes.length - 1} rounds`
        : `${node.path} n=${node.stats.visits}${flags.length ? ` (${flags.join(", ")})` : ""}: ${
            question.length > QUESTION_CHARS ? `${question.slice(0, QUESTION_CHARS - 3)}...` : question
          }`;
    return {
      label,
      score: node.kind === "root" ? null : node.score,
      highlight: best.has(node.id),
      children: (children.get(node.id) ?? []).map(view),
    };
  };
  const root = nodes[0];
  return root ? view(root) : undefined;
}
