import type { SearchNode } from "./search-node.ts";

const QUESTION_CHARS = 90;

/** The search tree as an indented outline: one line per node with its score, visits and question. */
export function searchTreeOutline(nodes: readonly SearchNode[], maxLines = 400): string {
  const children = new Map<number, SearchNode[]>();
  for (const node of nodes)
    if (node.parent !== null) children.set(node.parent, [...(children.get(node.parent) ?? []), node]);
  const lines: string[] = [];
  const visit = (node: SearchNode, depth: number) => {
    if (lines.length >= maxLines) return;
    if (node.kind !== "root") {
      const question = (node.question ?? "").replace(/\s+/g, " ");
      const flags = [
        node.kind === "simulation" ? "sim" : "",
        node.refusals.length ? `${node.refusals.length} refused` : "",
        node.error ? `error: ${node.error}` : "",
        node.images.length ? `${node.images.length} image(s)` : "",
      ].filter(Boolean);
      lines.push(
        `${"  ".repeat(depth - 1)}[${node.score}] ${node.path} n=${node.stats.visits}${flags.length ? ` (${flags.join(", ")})` : ""}: ${question.length > QUESTION_CHARS ? `${question.slice(0, QUESTION_CHARS - 3)}...` : question}`,
      );
    }
    for (const child of children.get(node.id) ?? []) visit(child, depth + 1);
  };
  const root = nodes[0];
  if (root) visit(root, 0);
  if (lines.length >= maxLines) lines.push(`... ${nodes.length - 1 - maxLines} more nodes`);
  return lines.join("\n");
}
