import type { ScoreStatus } from "../../contracts/index.ts";
import type { CaseStatus } from "../../engine/store.ts";
import type { IndexedCase, IndexedScore } from "./run-index.ts";

/**
 * Which cases the grid shows. Score conditions (judge, target, defence, verdict, scoreStatus)
 * must all hold for one verdict of the case: "safety, target X, unsafe" is the safety judge's
 * verdict on X's answer being unsafe.
 */
export interface CaseQuery {
  status?: CaseStatus;
  judge?: string;
  target?: string;
  defence?: string;
  verdict?: string;
  scoreStatus?: ScoreStatus;
  turns?: number;
  category?: string;
  /** Case-insensitive text in the dialogue or the answers. */
  text?: string;
  sort?: "index" | "score-desc" | "score-asc";
  offset: number;
  limit: number;
}

export interface CasePage {
  /** The page's cases with the verdicts that matched the score conditions. */
  rows: { entry: IndexedCase; scores: IndexedScore[] }[];
  total: number;
}

function scoreMatches(score: IndexedScore, query: CaseQuery): boolean {
  return (
    (query.judge === undefined || score.judge === query.judge) &&
    (query.target === undefined || score.target === query.target) &&
    (query.defence === undefined || score.defence === query.defence) &&
    (query.verdict === undefined || score.label === query.verdict) &&
    (query.scoreStatus === undefined || score.status === query.scoreStatus)
  );
}

function hasScoreCondition(query: CaseQuery): boolean {
  return [query.judge, query.target, query.defence, query.verdict, query.scoreStatus].some(
    (value) => value !== undefined,
  );
}

/** One page of the cases matching `query`, and how many match in all. */
export function filterCases(cases: readonly IndexedCase[], query: CaseQuery): CasePage {
  const scored = hasScoreCondition(query);
  const text = query.text?.toLowerCase();
  const matched: { entry: IndexedCase; scores: IndexedScore[]; key: number }[] = [];
  for (const entry of cases) {
    if (query.status !== undefined && entry.status !== query.status) continue;
    if (query.turns !== undefined && entry.userTurns !== query.turns) continue;
    if (query.category !== undefined && entry.category !== query.category) continue;
    if (text !== undefined && !entry.text.includes(text)) continue;
    const scores = scored ? entry.scores.filter((score) => scoreMatches(score, query)) : entry.scores;
    if (scored && scores.length === 0) continue;
    let key = entry.index;
    if (query.sort === "score-desc" || query.sort === "score-asc") {
      // Cases without a numeric verdict sort last either way.
      let best: number | null = null;
      for (const score of scores)
        if (score.value !== null && (best === null || score.value > best)) best = score.value;
      key = best === null ? Number.NaN : best;
    }
    matched.push({ entry, scores, key });
  }
  if (query.sort === "score-desc" || query.sort === "score-asc") {
    const sign = query.sort === "score-desc" ? -1 : 1;
    matched.sort((a, b) => {
      const aMissing = Number.isNaN(a.key);
      const bMissing = Number.isNaN(b.key);
      if (aMissing || bMissing)
        return aMissing === bMissing ? a.entry.index - b.entry.index : aMissing ? 1 : -1;
      return sign * (a.key - b.key) || a.entry.index - b.entry.index;
    });
  }
  return {
    rows: matched
      .slice(query.offset, query.offset + query.limit)
      .map(({ entry, scores }) => ({ entry, scores })),
    total: matched.length,
  };
}

/** The values each filter offers for a run. */
export interface CaseFacets {
  judges: string[];
  targets: string[];
  defences: string[];
  verdicts: string[];
  categories: string[];
  turns: number[];
}

export function caseFacets(cases: readonly IndexedCase[]): CaseFacets {
  const sets = {
    judges: new Set<string>(),
    targets: new Set<string>(),
    defences: new Set<string>(),
    verdicts: new Set<string>(),
    categories: new Set<string>(),
  };
  const turns = new Set<number>();
  for (const entry of cases) {
    turns.add(entry.userTurns);
    if (entry.category !== null && sets.categories.size < 500) sets.categories.add(entry.category);
    for (const score of entry.scores) {
      sets.judges.add(score.judge);
      if (score.target) sets.targets.add(score.target);
      sets.defences.add(score.defence);
      if (score.label !== null && sets.verdicts.size < 100) sets.verdicts.add(score.label);
    }
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return {
    judges: sorted(sets.judges),
    targets: sorted(sets.targets),
    defences: sorted(sets.defences),
    verdicts: sorted(sets.verdicts),
    categories: sorted(sets.categories),
    turns: [...turns].sort((a, b) => a - b),
  };
}
