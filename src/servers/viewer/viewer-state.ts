import type { RunRecord, Store } from "../../engine/store.ts";
import type { RunProgressRow } from "../../engine/viewer-store.ts";
import { RunIndex } from "./run-index.ts";

/** Cases read into a run's index per turn of the event loop (about 25 ms of CPU at 500). */
export const LOAD_CHUNK = 500;

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
  /** Indexes whose first read is under way, with the run's case count when it began. */
  readonly #loads = new Map<string, { index: RunIndex; total: number; done: Promise<void> }>();
  readonly #failed = new Map<string, Error>();
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

  /**
   * The run's index brought up to date with what the store holds now, or undefined while its
   * first read is under way: that read starts here, one chunk of `LOAD_CHUNK` cases now and the
   * rest one chunk per turn of the event loop, so other requests and live progress keep being
   * answered (`loadProgress` says how far it is). A run of one chunk is ready at once.
   */
  ready(run: RunRecord): RunIndex | undefined {
    const index = this.#indexes.get(run.id);
    if (index) {
      index.refresh(this.store, this.#stamp(run));
      return index;
    }
    const failed = this.#failed.get(run.id);
    if (failed) {
      this.#failed.delete(run.id);
      throw failed;
    }
    if (!this.#loads.has(run.id)) this.#startLoad(run);
    return this.#indexes.get(run.id);
  }

  /** How many of the run's cases its index has read, while it is being read. */
  loadProgress(runId: string): { loaded: number; total: number } | undefined {
    const load = this.#loads.get(runId);
    return load ? { loaded: load.index.cases.length, total: load.total } : undefined;
  }

  /** The run's index once read (waits for a read under way; pages that need it whole). */
  async index(run: RunRecord): Promise<RunIndex> {
    const ready = this.ready(run);
    if (ready) return ready;
    await this.#loads.get(run.id)?.done;
    return this.ready(run) ?? this.index(run);
  }

  #stamp(run: RunRecord): string {
    // Counted now (not the shared progress reading, which may be half a second old).
    return JSON.stringify([run.updatedAt, run.status, this.store.countCases(run.id)]);
  }

  #startLoad(run: RunRecord): void {
    const stamp = this.#stamp(run);
    const counts = JSON.parse(stamp)[2] as Record<string, number>;
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    const index = new RunIndex(run.id, this.categoryKey);
    const finish = () => {
      index.markStamp(stamp);
      this.#indexes.set(run.id, index);
      this.#loads.delete(run.id);
    };
    if (index.loadChunk(this.store, LOAD_CHUNK)) {
      finish();
      return;
    }
    const done = new Promise<void>((resolve) => {
      const next = () => {
        try {
          if (!index.loadChunk(this.store, LOAD_CHUNK)) {
            setImmediate(next);
            return;
          }
          finish();
        } catch (error) {
          // Shown on the next request for the run (and read again after it).
          this.#failed.set(run.id, error as Error);
          this.#loads.delete(run.id);
        }
        resolve();
      };
      setImmediate(next);
    });
    this.#loads.set(run.id, { index, total, done });
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
