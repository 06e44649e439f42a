import { escapeHtml } from "./escape-html.ts";

/** A node of a tree shown in a case (e.g. a red-team search): a label, a 1-5 score, its children. */
export interface TreeView {
  label: string;
  /** 1-5 (colours the node from green to red), or null for no score (the root). */
  score: number | null;
  /** Drawn with a thicker border (e.g. the best path). */
  highlight?: boolean;
  children: TreeView[];
}

const COLOURS = ["#e8f5e9", "#fff8e1", "#ffe0b2", "#ffab91", "#e57373"];

/**
 * The tree as nested `<details>` (expandable, CSS only), each node's score as its colour. Nodes
 * on a highlighted path start open; the rest start closed.
 */
export function renderTree(tree: TreeView, maxNodes = 2000): string {
  let budget = maxNodes;
  const render = (node: TreeView): string => {
    if (budget-- <= 0) return "";
    const colour =
      node.score === null ? "#eeeeee" : (COLOURS[Math.min(5, Math.max(1, node.score)) - 1] ?? "#eeeeee");
    const border = node.highlight ? "2px solid #333" : "1px solid #ccc";
    const badge = `<span style="background:${colour};border:${border};border-radius:4px;padding:0 4px">${
      node.score === null ? "root" : escapeHtml(String(node.score))
    }</span> ${escapeHtml(node.label)}`;
    if (node.children.length === 0) return `<li>${badge}</li>`;
    return `<li><details${node.highlight ? " open" : ""}><summary>${badge}</summary><ul>${node.children.map(render).join("")}</ul></details></li>`;
  };
  return `<ul class="search-tree" style="list-style:none;padding-left:12px">${render(tree)}</ul>`;
}
