import { type AttackContext, type AttackCounts, AttackSession } from "./attack-session.ts";
import { CRESCENDO_INSTRUCTION, type Method, PLANNERS } from "./planners.ts";
import { pathTo, type SearchNode } from "./search-node.ts";
import { bestNodeIndex } from "./search-tree.ts";

/** What one search found: stored as the case's result. */
export interface SearchResult {
  taskId: string;
  method: Method;
  targetId: string;
  dimension: string | null;
  success: boolean;
  bestScore: number;
  /** Node ids from the root to the best node (highest score, ties to the latest). */
  bestPath: number[];
  calls: number;
  tokens: number;
  costUsd: number;
  /** The budget that stopped the search, if one did. */
  stopReason: string | null;
  counts: AttackCounts;
  /** Best score so far after each node, against calls spent (for ASR / score vs calls). */
  curve: { calls: number; best: number }[];
  nodes: SearchNode[];
}

/** Runs one search with the given method's planner on the shared attack loop. */
export async function runSearch(context: AttackContext, method: Method): Promise<SearchResult> {
  const session = new AttackSession(
    method === "crescendo"
      ? { ...context, instruction: context.instruction ?? CRESCENDO_INSTRUCTION }
      : context,
  );
  await PLANNERS[method](session);
  const nodes = session.nodes;
  const rounds = nodes.filter((node) => node.kind !== "root");
  const best =
    rounds.length > 0 ? (rounds[bestNodeIndex(rounds.map((node) => node.score))] as SearchNode) : nodes[0];
  const curve: { calls: number; best: number }[] = [];
  let bestSoFar = 1;
  for (const node of rounds) {
    bestSoFar = Math.max(bestSoFar, node.score);
    curve.push({ calls: node.callsSpent, best: bestSoFar });
  }
  const spent = context.budget.spent;
  return {
    taskId: context.task.id,
    method,
    targetId: context.target.id,
    dimension: context.task.dimension,
    success: session.succeeded,
    bestScore: best?.score ?? 1,
    bestPath: best ? pathTo(nodes, best.id).map((node) => node.id) : [0],
    calls: spent.calls,
    tokens: spent.tokens,
    costUsd: spent.costUsd,
    stopReason: session.succeeded ? null : session.stopReason,
    counts: session.counts,
    curve,
    nodes,
  };
}
