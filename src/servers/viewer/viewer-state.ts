import type { RunRecord, Store } from "../../engine/store.ts";
import type { RunProgressRow } from "../../engine/viewer-store.ts";
import { RunIndex } from "./run-index.ts";

/** A run's cost and verdict counts, for the runs list (computed once per state of the run). */
export interface RunSummary {
  costUsd: number;
  calls: number;
  /** Per judge: ok verdicts per label. */
  verdicts: { judge: string; total: number; labels: { label: string; count: number }[] }[];
}

/** What the viewer keeps between requests: one index per opened run, summaries, the last progress. */
export class ViewerState {
  readonly store: Store;
  readonly categoryKey: string;
  readonly #indexes = new Map<string, RunIndex>();
  readonly #summaries = new Map<string, { stamp: string; summary: RunSummary }>();
  #progress: { at: number; rows: RunProgressRow[] } | undefined;

  constructor(store: Store, categoryKey = "category") {
    this.store = store;
    this.categoryKey = categoryKey;
  }

  /**
   * Every run's progress, read at most once per `maxAgeMs` (pages and live updates share it).
   * After the first reading only the runs that are running, or whose record changed, are
   * counted again: a finished run's cases do not change until it is resumed (then it is running).
   */
  progress(maxAgeMs = 500): RunProgressRow[] {
    const now = performance.now();
    if (this.#progress && now - this.#progress.at <= maxAgeMs) return this.#progress.rows;
    const before = new Map((this.#progress?.rows ?? []).map((row) => [row.runId, row]));
    const runs = this.store.listRuns();
    const stale = runs.filter((run) => {
      const known = before.get(run.id);
      return (
        !known || run.status === "running" || known.status !== run.status || known.updatedAt !== run.updatedAt
      );
    });
    let rows: RunProgressRow[];
    if (!this.#progress || stale.length > 8) rows = this.store.viewer().runProgress();
    else
      rows = runs.map((run) =>
        stale.includes(run)
          ? {
              runId: run.id,
              status: run.status,
              updatedAt: run.updatedAt,
              cases: this.store.countCases(run.id),
            }
          : (before.get(run.id) as RunProgressRow),
      );
    this.#progress = { at: now, rows };
    return rows;
  }

  /** The run's index, read on first use and brought up to date with what the store holds now. */
  index(run: RunRecord): RunIndex {
    // Counted now (not the shared progress reading, which may be half a second old).
    const stamp = JSON.stringify([run.updatedAt, run.status, this.store.countCases(run.id)]);
    let index = this.#indexes.get(run.id);
    if (!index) {
      index = new RunIndex(run.id, this.categoryKey);
      index.load(this.store);
      index.markStamp(stamp);
      this.#indexes.set(run.id, index);
    } else index.refresh(this.store, stamp);
    return index;
  }

  /** The run's summary when computed for its current state; undefined otherwise (see warm). */
  summary(progress: RunProgressRow): RunSummary | undefined {
    const cached = this.#summaries.get(progress.runId);
    return cached && cached.stamp === stampOf(progress) ? cached.summary : undefined;
  }

  /** Computes the summaries that are missing or stale, one run per turn of the event loop. */
  warm(): Promise<void> {
    const stale = this.progress().filter((row) => !this.summary(row));
    return new Promise((resolve) => {
      const next = () => {
        const row = stale.shift();
        if (!row) return resolve();
        try {
          this.#summaries.set(row.runId, { stamp: stampOf(row), summary: this.#summarise(row.runId) });
        } catch {
          // A run deleted meanwhile: nothing to show.
        }
        setImmediate(next);
      };
      setImmediate(next);
    });
  }

  #summarise(runId: string): RunSummary {
    const usage = this.store.usage(runId);
    const byJudge = new Map<string, RunSummary["verdicts"][number]>();
    for (const group of this.store.viewer().verdictCounts(runId)) {
      let entry = byJudge.get(group.judge);
      if (!entry) {
        entry = { judge: group.judge, total: 0, labels: [] };
        byJudge.set(group.judge, entry);
      }
      entry.total += group.count;
      const label = entry.labels.find((item) => item.label === group.label);
      if (label) label.count += group.count;
      else entry.labels.push({ label: group.label, count: group.count });
    }
    return {
      costUsd: usage.reduce((sum, row) => sum + row.costUsd, 0),
      calls: usage.reduce((sum, row) => sum + row.calls, 0),
      verdicts: [...byJudge.values()],
    };
  }
}

function stampOf(row: RunProgressRow): string {
  return JSON.stringify([row.updatedAt, row.status, row.cases]);
}
