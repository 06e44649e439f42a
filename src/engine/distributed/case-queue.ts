import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import { StoreError } from "../../errors.ts";

/** The pg-boss queue every distributed case goes to (workers play cases of any run). */
export const CASE_QUEUE = "turnsafe-cases";

/**
 * How long a worker may hold a case before pg-boss hands it to another worker (a killed worker's
 * cases come back after this). Longer than any one case should take: a case still playing when it
 * expires is played again elsewhere (its finished calls are resumed, so nothing is paid twice, but
 * the work is repeated). `--case-expiry` (run and worker) changes it.
 */
export const DEFAULT_CASE_EXPIRY_S = 15 * 60;

/** What a job carries: which case of which run, and the folder the run's config was read from. */
export interface CaseJob {
  runId: string;
  caseId: string;
  /** Relative paths of the run's stored config are resolved against it. */
  baseDir: string;
}

/** A fetched job. */
export interface FetchedCase extends CaseJob {
  jobId: string;
}

/**
 * The job id of a case: a UUID derived from run id and case id, so enqueuing a run twice inserts
 * nothing new (pg-boss ignores an id it already holds).
 */
export function caseJobId(runId: string, caseId: string): string {
  const hex = createHash("sha256").update(`${runId}\u001f${caseId}`).digest("hex");
  // Shaped as a version-5-style UUID (pg-boss stores ids as uuid).
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `5${hex.slice(13, 16)}`,
    ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16) + hex.slice(18, 20),
    hex.slice(20, 32),
  ].join("-");
}

export interface CaseQueueOptions {
  /** Seconds before a held case is handed out again (default DEFAULT_CASE_EXPIRY_S). */
  expirySeconds?: number;
  /** How often expired jobs are looked for (seconds; default: a quarter of the expiry, 1 to 60). */
  maintenanceSeconds?: number;
}

/**
 * The distributed runs' job queue: pg-boss on the store's PostgreSQL database (its own `pgboss`
 * schema). One job per case; a job is completed only after the case's results are committed.
 */
export class CaseQueue {
  readonly #boss: PgBoss;
  readonly #expirySeconds: number;

  private constructor(boss: PgBoss, expirySeconds: number) {
    this.#boss = boss;
    this.#expirySeconds = expirySeconds;
  }

  static async open(url: string, label: string, options: CaseQueueOptions = {}): Promise<CaseQueue> {
    const expirySeconds = options.expirySeconds ?? DEFAULT_CASE_EXPIRY_S;
    const boss = new PgBoss({
      connectionString: url,
      max: 2,
      maintenanceIntervalSeconds: Math.max(
        1,
        Math.round(options.maintenanceSeconds ?? Math.min(60, expirySeconds / 4)),
      ),
      schedule: false,
    });
    // pg-boss reports background failures as events; an unhandled one would end the process.
    boss.on("error", () => {});
    try {
      await boss.start();
      await boss.createQueue(CASE_QUEUE).catch(async (error: unknown) => {
        // Another process created it at the same moment.
        if (!(await boss.getQueue(CASE_QUEUE))) throw error;
      });
    } catch (error) {
      await boss.stop({ graceful: false, wait: true }).catch(() => {});
      throw new StoreError(`cannot open the job queue on ${label}: ${(error as Error).message}`);
    }
    return new CaseQueue(boss, expirySeconds);
  }

  /** Enqueues cases (already stored); cases enqueued before are left as they are. */
  async enqueue(jobs: readonly CaseJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.#boss.insert(
      jobs.map((job) => ({
        id: caseJobId(job.runId, job.caseId),
        name: CASE_QUEUE,
        data: job,
        expireInSeconds: this.#expirySeconds,
        // A worker that fails to play a case marks the case errored and completes the job; a
        // job that expires (its worker died) is handed out again, up to this many times.
        retryLimit: 100,
        retryDelay: 0,
      })),
    );
  }

  /** Up to `count` jobs, now held by this process until completed or expired. */
  async fetch(count: number): Promise<FetchedCase[]> {
    const jobs = await this.#boss.fetch<CaseJob>(CASE_QUEUE, { batchSize: count });
    return jobs.map((job) => ({ ...job.data, jobId: job.id }));
  }

  /** Completes jobs (in one query). */
  async complete(jobIds: string[]): Promise<void> {
    if (jobIds.length > 0) await this.#boss.complete(CASE_QUEUE, jobIds);
  }

  /** Hands a job back at once (a worker stopping gracefully): another worker may take it now. */
  async release(jobId: string): Promise<void> {
    await this.#boss.fail(CASE_QUEUE, jobId, { reason: "worker stopped" });
  }

  /** Jobs waiting or held (created, retry, active). */
  async size(): Promise<number> {
    return this.#boss.getQueueSize(CASE_QUEUE, { before: "completed" });
  }

  async close(): Promise<void> {
    await this.#boss.stop({ graceful: false, wait: true, close: true }).catch(() => {});
  }
}
