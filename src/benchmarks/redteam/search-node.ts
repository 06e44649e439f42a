import type { JudgeVerdict } from "./attacker-plan.ts";
import type { NodeStats } from "./search-tree.ts";

/**
 * An image shown with a turn: from the task's pool, rendered from the attacker's text, or made
 * by the run's text-to-image model from the attacker's `new_image_prompt` (`--image-model`).
 */
export interface TurnImage {
  id: string;
  path: string;
  source: "pool" | "typographic" | "generated";
  /** For generated images: the prompt they were made from (their caption in the attacker's list). */
  prompt?: string;
}

/**
 * One node of a search: a round (attacker plan, target answer, judge score) and its statistics.
 * The root holds no round. Every search (MCTS, Crescendo, linear) is stored as such a tree.
 */
export interface SearchNode {
  id: number;
  parent: number | null;
  /** `turn` nodes are expanded children; `simulation` nodes are MCTS playouts (never selected). */
  kind: "root" | "turn" | "simulation";
  /** Position in the tree (`r`, `r.0`, `r.0.s0`): also the step prefix of the node's calls. */
  path: string;
  /** User turns on the path up to and including this one (0 at the root). */
  round: number;
  strategy: string | null;
  question: string | null;
  images: TurnImage[];
  answer: string | null;
  /** False when the turn is not part of the conversation any more (a refusal past the limit). */
  kept: boolean;
  /** Attempts at this turn the target refused, dropped from the conversation before it. */
  refusals: { question: string; answer: string }[];
  judge: JudgeVerdict | null;
  /** Judge score 1-5 (1 for the root, refused, invalid and failed rounds). */
  score: number;
  stats: NodeStats;
  /** Why the round failed (invalid attacker output, target error), counted apart. */
  error: string | null;
  /** Why a requested image could not be generated (the turn went on without it; counted apart). */
  imageError?: string;
  /** Attacker answers that were not a valid plan (re-asked). */
  invalidPlans: number;
  /** Calls the search had spent when this node was finished. */
  callsSpent: number;
  children: number[];
}

/** Nodes from the root to `id`, root first. */
export function pathTo(nodes: readonly SearchNode[], id: number): SearchNode[] {
  const path: SearchNode[] = [];
  for (let node = nodes[id]; node; node = node.parent === null ? undefined : nodes[node.parent])
    path.unshift(node);
  return path;
}

/** The turns of the conversation ending at `id`: kept, answered rounds only. */
export function conversationTo(nodes: readonly SearchNode[], id: number): SearchNode[] {
  return pathTo(nodes, id).filter((node) => node.kind !== "root" && node.kept && node.answer !== null);
}
