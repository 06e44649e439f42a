/** MCTS settings; the defaults are MMRT's (spec: mmrt.md). */
export interface MctsSettings {
  /** Weight of the best descendant's score in the exploit term (beta, 0.7). */
  beta: number;
  /** Floor of the prior (epsilon, 0.10). */
  epsilon: number;
  /** Exploration constant (c, 1.5). */
  c: number;
  /** Children a node may have before selection descends past it (2). */
  maxChildren: number;
  /** Extra attacker/target/judge rounds played from a new child before back-propagation (1). */
  simRounds: number;
  /**
   * What a node's best_child_score starts at. MMRT starts it at 0, so an unvisited node's
   * exploit term is -0.25 x beta (below a visited sibling that scored 1); `own-score`
   * (our default) starts it at the node's own judge score.
   */
  bestChildStart: "own-score" | "zero";
}

export const MCTS_DEFAULTS: MctsSettings = {
  beta: 0.7,
  epsilon: 0.1,
  c: 1.5,
  maxChildren: 2,
  simRounds: 1,
  bestChildStart: "own-score",
};

/** The statistics selection reads, per node. */
export interface NodeStats {
  /** Judge score 1-5 of the node's own round (the root counts as 1). */
  score: number;
  visits: number;
  totalReward: number;
  bestChildScore: number;
}

/** Reward of a final judge score: (score - 1) / 4, in [0, 1]. */
export function reward(score: number): number {
  return (score - 1) / 4;
}

/** The exploit term: (1 - beta) Q + beta (best_child_score - 1) / 4, Q = 0 when unvisited. */
export function exploitTerm(node: NodeStats, settings: Pick<MctsSettings, "beta">): number {
  const q = node.visits > 0 ? node.totalReward / node.visits : 0;
  return (1 - settings.beta) * q + settings.beta * reward(node.bestChildScore);
}

/** The prior: epsilon + (1 - epsilon) (score - 1) / 4. */
export function prior(node: NodeStats, settings: Pick<MctsSettings, "epsilon">): number {
  return settings.epsilon + (1 - settings.epsilon) * reward(node.score);
}

/** PUCT = exploit + c P sqrt(N_parent) / (1 + visits). */
export function puct(node: NodeStats, parentVisits: number, settings: MctsSettings): number {
  return (
    exploitTerm(node, settings) +
    (settings.c * prior(node, settings) * Math.sqrt(parentVisits)) / (1 + node.visits)
  );
}

/** Index of the child with the highest PUCT; ties go to the first (the oldest child). */
export function selectChild(
  children: readonly NodeStats[],
  parentVisits: number,
  settings: MctsSettings,
): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  children.forEach((child, index) => {
    const value = puct(child, parentVisits, settings);
    if (value > bestValue) {
      best = index;
      bestValue = value;
    }
  });
  return best;
}

/** Stats of a new node with judge score `score`. */
export function newStats(score: number, settings: Pick<MctsSettings, "bestChildStart">): NodeStats {
  return { score, visits: 0, totalReward: 0, bestChildScore: settings.bestChildStart === "zero" ? 0 : score };
}

/**
 * Back-propagation of a playout's final score along `path` (the new child up to the root):
 * visits + 1, total_reward + (final - 1) / 4, best_child_score = max(best_child_score, final).
 */
export function backPropagate(path: readonly NodeStats[], finalScore: number): void {
  const z = reward(finalScore);
  for (const node of path) {
    node.visits += 1;
    node.totalReward += z;
    node.bestChildScore = Math.max(node.bestChildScore, finalScore);
  }
}

/** Index of the best candidate of an expansion: highest score, ties to the first. */
export function bestCandidate(scores: readonly number[]): number {
  let best = 0;
  scores.forEach((score, index) => {
    if (score > (scores[best] ?? Number.NEGATIVE_INFINITY)) best = index;
  });
  return best;
}

/** The node a search returns: highest score, ties to the latest (MMRT). */
export function bestNodeIndex(scores: readonly number[]): number {
  let best = -1;
  scores.forEach((score, index) => {
    if (best < 0 || score >= (scores[best] ?? 0)) best = index;
  });
  return best;
}
