import type { ScoreStatus } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import type { CaseRecord, CaseStatus, ScoreRecord, Store } from "../../engine/store.ts";
import { type CaseFacets, caseFacets } from "./case-filter.ts";

/** A verdict as the index keeps it; the scorer split into judge, target and defence. */
export interface IndexedScore {
  scorer: string;
  judge: string;
  target: string;
  /** The defence condition after `|` in the scorer, `none` without one. */
  defence: string;
  status: ScoreStatus;
  label: string | null;
  value: number | null;
}

/** A case as the grid filters and shows it. */
export interface IndexedCase {
  caseId: string;
  index: number;
  status: CaseStatus;
  error: string | null;
  userTurns: number;
  category: string | null;
  /** The dialogue's text and the targets' answers, lower-cased, for the free-text search. */
  text: string;
  scores: IndexedScore[];
}

/** Splits `judge@target|defence` (scorers without `@` are a judge alone). */
export function splitScorer(scorer: string): Pick<IndexedScore, "judge" | "target" | "defence"> {
  const at = scorer.indexOf("@");
  if (at < 0) return { judge: scorer, target: "", defence: "none" };
  const arm = scorer.slice(at + 1);
  const bar = arm.indexOf("|");
  return {
    judge: scorer.slice(0, at),
    target: bar < 0 ? arm : arm.slice(0, bar),
    defence: bar < 0 ? "none" : arm.slice(bar + 1),
  };
}

/** Scorer names split once and shared by every verdict of the scorer (a run repeats a handful). */
const SPLIT_SCORERS = new Map<string, Pick<IndexedScore, "scorer" | "judge" | "target" | "defence">>();

export function indexScore(score: Pick<ScoreRecord, "scorer" | "status" | "label" | "value">): IndexedScore {
  let split = SPLIT_SCORERS.get(score.scorer);
  if (!split) {
    split = { scorer: score.scorer, ...splitScorer(score.scorer) };
    if (SPLIT_SCORERS.size < 10_000) SPLIT_SCORERS.set(score.scorer, split);
  }
  return {
    scorer: split.scorer,
    judge: split.judge,
    target: split.target,
    defence: split.defence,
    status: intern(score.status) as ScoreStatus,
    label: score.label === null ? null : intern(score.label),
    value: score.value,
  };
}

/** Labels and statuses repeat across a run: one string each instead of one per verdict. */
const INTERNED = new Map<string, string>();
function intern(value: string): string {
  const known = INTERNED.get(value);
  if (known !== undefined) return known;
  if (INTERNED.size < 10_000) INTERNED.set(value, value);
  return value;
}

/** A dialogue field (`metadata.<key>`, else `labels.<key>`; dots read nested fields) as text. */
export function dialogueField(dialogue: Dialogue, key: string): string | null {
  for (const root of [dialogue.metadata, dialogue.labels]) {
    let value: unknown = root;
    for (const segment of key.split("."))
      value = value && typeof value === "object" ? (value as Record<string, unknown>)[segment] : undefined;
    if (value !== undefined && value !== null && typeof value !== "object") return String(value);
  }
  return null;
}

/** Every answer text a stored result holds (any recipe: strings under `text` keys of `answers`). */
function answerTexts(result: unknown, out: string[]): void {
  if (Array.isArray(result)) for (const item of result) answerTexts(item, out);
  else if (result && typeof result === "object")
    for (const [key, value] of Object.entries(result)) {
      if (typeof value === "string" && (key === "text" || key === "answer" || key === "error"))
        out.push(value);
      else if (typeof value === "object") answerTexts(value, out);
    }
}

function indexCase(record: CaseRecord, scores: IndexedScore[], categoryKey: string): IndexedCase {
  const parts: string[] = [record.caseId];
  let userTurns = 0;
  for (const message of record.dialogue.messages ?? []) {
    if (message.role === "user") userTurns++;
    for (const part of message.content ?? []) if (part.type === "text") parts.push(part.text);
  }
  answerTexts(record.result, parts);
  return {
    caseId: record.caseId,
    index: record.index,
    status: record.status,
    error: record.error,
    userTurns,
    category: dialogueField(record.dialogue, categoryKey),
    text: parts.join("\n").toLowerCase(),
    scores,
  };
}

/**
 * A run's cases and verdicts held in memory, so every filter, sort and comparison of the grid is
 * answered without a scan of the store (a 100k-case run is read once, then only what changed).
 */
export class RunIndex {
  readonly runId: string;
  readonly categoryKey: string;
  /** Cases in case order. */
  cases: IndexedCase[] = [];
  #byId = new Map<string, IndexedCase>();
  /** The greatest `updated_at` read so far. */
  #seen = "";
  /** Case counts when last refreshed (a refresh is skipped while they and the run's time stay the same). */
  #stamp = "";
  #facets: CaseFacets | undefined;

  constructor(runId: string, categoryKey: string) {
    this.runId = runId;
    this.categoryKey = categoryKey;
  }

  /** Case index of the last case read by `loadChunk` (-1 before the first). */
  #loadedTo = -1;

  /**
   * Reads the next `limit` cases of the run, with their verdicts; true when the run is read
   * (first use: the viewer calls it once per turn of the event loop, see ViewerState).
   */
  loadChunk(store: Store, limit: number): boolean {
    const viewer = store.viewer();
    // A case changed while the chunks are read is newer than the run's newest case before the
    // first chunk: the first refresh re-reads exactly those (and the cases of that instant).
    if (this.#loadedTo < 0) this.#seen = viewer.lastCaseUpdate(this.runId) ?? "";
    const records = viewer.casesAfter(this.runId, this.#loadedTo, limit);
    const first = records[0];
    const last = records.at(-1);
    if (!first || !last) return true;
    const scores = new Map<string, IndexedScore[]>();
    for (const score of viewer.scoresOfCaseRange(this.runId, first.index, last.index)) {
      let list = scores.get(score.caseId);
      if (!list) {
        list = [];
        scores.set(score.caseId, list);
      }
      list.push(indexScore(score));
    }
    for (const record of records) {
      const entry = indexCase(record, scores.get(record.caseId) ?? [], this.categoryKey);
      this.cases.push(entry);
      this.#byId.set(entry.caseId, entry);
    }
    this.#loadedTo = last.index;
    this.#facets = undefined;
    return records.length < limit;
  }

  /** Reads the cases registered or finished since the last read (a running run), given a stamp of the run's state. */
  refresh(store: Store, stamp: string): void {
    if (stamp === this.#stamp) return;
    this.#stamp = stamp;
    const changed = store.viewer().casesUpdatedSince(this.runId, this.#seen);
    if (changed.length > 0) this.#facets = undefined;
    let added = false;
    for (const record of changed) {
      if (record.updatedAt > this.#seen) this.#seen = record.updatedAt;
      const scores = store.scoresForCase(this.runId, record.caseId).map(indexScore);
      const entry = indexCase(record, scores, this.categoryKey);
      const old = this.#byId.get(entry.caseId);
      if (old) Object.assign(old, entry);
      else {
        this.cases.push(entry);
        this.#byId.set(entry.caseId, entry);
        added = true;
      }
    }
    if (added) this.cases.sort((a, b) => a.index - b.index);
  }

  /** The values each filter offers, computed once per state of the index. */
  facets(): CaseFacets {
    this.#facets ??= caseFacets(this.cases);
    return this.#facets;
  }

  get(caseId: string): IndexedCase | undefined {
    return this.#byId.get(caseId);
  }

  markStamp(stamp: string): void {
    this.#stamp = stamp;
  }
}
