import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { sha256Hex } from "../dialogue/image-ref.ts";
import { readDialogues } from "../dialogue/jsonl.ts";
import { type CallEvent, CallExecutor } from "../engine/call-executor.ts";
import type { PriceTable } from "../engine/pricing.ts";
import { stableStringify } from "../engine/request-hash.ts";
import type { RunProgress } from "../engine/run-cases.ts";
import { SqliteStore } from "../engine/sqlite-store.ts";
import type { RunRecord, Store } from "../engine/store.ts";
import { CancelledError } from "../errors.ts";
import type { Judge } from "../judges/judge.ts";
import { buildDialogueReport } from "../reports/dialogue-report.ts";
import { renderHtmlReport } from "../reports/html-report.ts";
import type { ReportData } from "../reports/report-data.ts";
import type { Target } from "../targets/target.ts";
import { type DriverChoice, runDialogueSuite } from "./dialogue-suite.ts";

/** Writes are grouped and committed this often during runs: a SIGKILL loses at most this window. */
export const STORE_COMMIT_INTERVAL_MS = 50;

/** Everything a dialogue run needs, already resolved (paths absolute, targets built). */
export interface DialogueRunPlan {
  name: string;
  /** Identifies the data for the run id: a resolved path or a suite name. */
  dataIdentity: string;
  cases: () => AsyncIterable<Dialogue> | Iterable<Dialogue>;
  imageBaseDir: string;
  targets: Target[];
  judges: Judge[];
  driver: DriverChoice;
  storePath: string;
  reportDir: string;
  concurrency: number;
  endpointConcurrency: number;
  cache: boolean;
  retry: Record<string, number | undefined>;
  prices: PriceTable;
  reportCases: number;
  retryErrored?: boolean;
  /** The configuration as the user wrote it, secrets removed; stored with the run. */
  config: unknown;
  recipe?: string;
  /** Builds the run's report in place of the generic dialogue report (benchmark recipes). */
  buildReport?: (store: Store, runId: string) => Promise<ReportData>;
}

export interface DialogueRunHooks {
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  onCall?: (event: CallEvent) => void;
  /** Called once the run id is known and the run is registered. */
  onStart?: (run: RunRecord, resumed: boolean) => void;
}

/** What a finished (or interrupted) run leaves behind. */
export interface DialogueRunOutcome {
  run: RunRecord;
  resumed: boolean;
  interrupted: boolean;
  progress: RunProgress | undefined;
  counts: Record<"pending" | "done" | "errored", number>;
  reportHtml: string;
  reportJson: string;
}

/**
 * The run id: the name plus a hash of what determines the results (data, targets, judges,
 * driver), so rerunning the same command resumes the same run and a changed one starts anew.
 */
export function dialogueRunId(
  plan: Pick<DialogueRunPlan, "name" | "dataIdentity" | "targets" | "judges" | "driver">,
): string {
  const identity = stableStringify({
    data: plan.dataIdentity,
    targets: plan.targets.map((target) => target.fingerprint),
    judges: plan.judges.map((judge) => [judge.name, judge.target?.fingerprint ?? null]),
    driver: plan.driver,
  });
  return `${plan.name}-${sha256Hex(identity).slice(0, 10)}`;
}

/** Plays a dialogue run end to end (resuming it when it exists) and writes its reports. */
export async function executeDialogueRun(
  plan: DialogueRunPlan,
  hooks: DialogueRunHooks = {},
): Promise<DialogueRunOutcome> {
  const store = new SqliteStore(plan.storePath, { commitIntervalMs: STORE_COMMIT_INTERVAL_MS });
  try {
    const runId = dialogueRunId(plan);
    const existing = store.getRun(runId);
    const now = new Date().toISOString();
    const run: RunRecord = {
      id: runId,
      name: plan.name,
      recipe: plan.recipe ?? "dialogues",
      status: "running",
      config: plan.config,
      simulator: [
        ...plan.targets,
        ...plan.judges.flatMap((judge) => (judge.target ? [judge.target] : [])),
      ].some((target) => target.isSimulator),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    store.putRun(run);
    hooks.onStart?.(run, existing !== undefined);
    const executor = new CallExecutor({
      store,
      runId,
      prices: plan.prices,
      retry: plan.retry,
      cache: plan.cache,
      concurrency: plan.endpointConcurrency,
      signal: hooks.signal,
      onEvent: hooks.onCall,
    });
    let progress: RunProgress | undefined;
    let interrupted = false;
    try {
      progress = await runDialogueSuite({
        store,
        runId,
        cases: plan.cases(),
        targets: plan.targets,
        judges: plan.judges,
        driver: plan.driver,
        executor,
        concurrency: plan.concurrency,
        imageBaseDir: plan.imageBaseDir,
        retryErrored: plan.retryErrored,
        signal: hooks.signal,
        onProgress: hooks.onProgress,
      });
      store.setRunStatus(runId, "completed");
    } catch (error) {
      if (!(error instanceof CancelledError)) {
        store.setRunStatus(runId, "failed");
        throw error;
      }
      interrupted = true;
      store.setRunStatus(runId, "interrupted");
    }
    const reports = await writeDialogueReports(
      store,
      runId,
      plan.reportDir,
      plan.reportCases,
      plan.imageBaseDir,
      plan.buildReport,
    );
    return {
      run: store.getRun(runId) ?? run,
      resumed: existing !== undefined,
      interrupted,
      progress,
      counts: store.countCases(runId),
      ...reports,
    };
  } finally {
    store.close();
  }
}

/** Renders a run's HTML and JSON reports into `reportDir`; returns their paths. */
export async function writeDialogueReports(
  store: Store,
  runId: string,
  reportDir: string,
  maxCases: number,
  imageBaseDir: string | undefined,
  buildReport?: (store: Store, runId: string) => Promise<ReportData>,
): Promise<{ reportHtml: string; reportJson: string }> {
  const data = buildReport
    ? await buildReport(store, runId)
    : await buildDialogueReport(store, runId, { maxCases, imageBaseDir });
  mkdirSync(reportDir, { recursive: true });
  const reportHtml = path.join(reportDir, `${runId}.html`);
  const reportJson = path.join(reportDir, `${runId}.json`);
  writeFileSync(reportHtml, renderHtmlReport(data));
  writeFileSync(reportJson, `${JSON.stringify(data, null, 2)}\n`);
  return { reportHtml, reportJson };
}

/** Streams dialogues from a JSONL file, stopping after `limit` when given. */
export async function* limitedDialogues(file: string, limit?: number): AsyncGenerator<Dialogue> {
  let count = 0;
  for await (const dialogue of readDialogues(file)) {
    if (limit !== undefined && count++ >= limit) return;
    yield dialogue;
  }
}
