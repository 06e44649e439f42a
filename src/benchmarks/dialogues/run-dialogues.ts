import type { Dialogue } from "../../dialogue/dialogue.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { type JsonlOptions, readDialogues } from "../../dialogue/jsonl.ts";
import { stableStringify } from "../../engine/request-hash.ts";
import {
  executeRunSession,
  type RunSessionHooks,
  type RunSessionOutcome,
  type RunSettings,
} from "../../engine/run-session.ts";
import type { Store } from "../../engine/store.ts";
import type { Judge } from "../../judges/judge.ts";
import type { ReportData } from "../../reports/report-data.ts";
import { writeReportFiles } from "../../reports/write-report-files.ts";
import type { Target } from "../../targets/target.ts";
import { buildDialogueReport } from "./dialogue-report.ts";
import { type DriverChoice, runDialogueSuite } from "./dialogue-suite.ts";

/** Everything a dialogue run needs, already resolved (paths absolute, targets built). */
export interface DialogueRunPlan extends RunSettings {
  name: string;
  /** Identifies the data for the run id: a resolved path or a suite name. */
  dataIdentity: string;
  /** The JSONL file cases stream from, when they come from one (for progress totals). */
  dataFile?: string;
  cases: () => AsyncIterable<Dialogue> | Iterable<Dialogue>;
  imageBaseDir: string;
  /** Largest image file read during the run (default 20 MiB; `limits.maxImageBytes`). */
  imageMaxBytes?: number;
  targets: Target[];
  judges: Judge[];
  driver: DriverChoice;
  /** Each dialogue is played this many times as separate samples (default 1). */
  repeat?: number;
  /** The configuration as the user wrote it, secrets removed; stored with the run. */
  config: unknown;
  recipe?: string;
  /** Metadata keys the generic report breaks rates down by (default: `category`). */
  breakdown?: string[];
  /** Builds the run's report in place of the generic dialogue report (benchmark recipes). */
  buildReport?: (store: Store, runId: string) => Promise<ReportData>;
}

export type DialogueRunHooks = RunSessionHooks;

/** What a finished (or interrupted) run leaves behind. */
export type DialogueRunOutcome = RunSessionOutcome;

/**
 * The run id: the name plus a hash of what determines the results (data, targets, judges,
 * driver), so rerunning the same command resumes the same run and a changed one starts anew.
 */
export function dialogueRunId(
  plan: Pick<DialogueRunPlan, "name" | "dataIdentity" | "targets" | "judges" | "driver" | "repeat">,
): string {
  // Custom judges' definitions and a repeat count above 1 are added only when present, so the
  // ids of runs without them stay as they were (and those runs still resume).
  const identity = stableStringify({
    data: plan.dataIdentity,
    targets: plan.targets.map((target) => target.fingerprint),
    judges: plan.judges.map((judge) =>
      judge.identity === undefined
        ? [judge.name, judge.target?.fingerprint ?? null]
        : [judge.name, judge.target?.fingerprint ?? null, judge.identity],
    ),
    driver: plan.driver,
    repeat: (plan.repeat ?? 1) > 1 ? plan.repeat : undefined,
  });
  return `${plan.name}-${sha256Hex(identity).slice(0, 10)}`;
}

/** Plays a dialogue run end to end (resuming it when it exists) and writes its reports. */
export function executeDialogueRun(
  plan: DialogueRunPlan,
  hooks: DialogueRunHooks = {},
): Promise<DialogueRunOutcome> {
  const models = [...plan.targets, ...plan.judges.flatMap((judge) => (judge.target ? [judge.target] : []))];
  return executeRunSession(
    {
      storePath: plan.storePath,
      run: {
        id: dialogueRunId(plan),
        name: plan.name,
        recipe: plan.recipe ?? "dialogues",
        config: plan.config,
        simulator: models.some((target) => target.isSimulator),
      },
      executor: {
        prices: plan.prices,
        retry: plan.retry,
        cache: plan.cache,
        endpointConcurrency: plan.endpointConcurrency,
      },
      play: ({ store, runId, executor }) =>
        runDialogueSuite({
          store,
          runId,
          cases: repeatedCases(plan.cases(), plan.repeat ?? 1),
          targets: plan.targets,
          judges: plan.judges,
          driver: plan.driver,
          repeated: (plan.repeat ?? 1) > 1,
          executor,
          concurrency: plan.concurrency,
          imageBaseDir: plan.imageBaseDir,
          imageMaxBytes: plan.imageMaxBytes,
          retryErrored: plan.retryErrored,
          signal: hooks.signal,
          onProgress: hooks.onProgress,
        }),
      writeReports: (store, runId) =>
        writeDialogueReports(
          store,
          runId,
          plan.reportDir,
          plan.reportCases,
          plan.imageBaseDir,
          plan.buildReport,
          plan.breakdown,
        ),
    },
    hooks,
  );
}

/** Renders a run's HTML and JSON reports into `reportDir`; returns their paths. */
export async function writeDialogueReports(
  store: Store,
  runId: string,
  reportDir: string,
  maxCases: number,
  imageBaseDir: string | undefined,
  buildReport?: (store: Store, runId: string) => Promise<ReportData>,
  breakdown?: string[],
): Promise<{ reportHtml: string; reportJson: string }> {
  const data = buildReport
    ? await buildReport(store, runId)
    : await buildDialogueReport(store, runId, { maxCases, imageBaseDir, breakdown });
  return writeReportFiles(reportDir, runId, data);
}

/** Streams dialogues from a JSONL file, stopping after `limit` when given. */
export async function* limitedDialogues(
  file: string,
  limit?: number,
  options: JsonlOptions = {},
): AsyncGenerator<Dialogue> {
  let count = 0;
  for await (const dialogue of readDialogues(file, options)) {
    if (limit !== undefined && count++ >= limit) return;
    yield dialogue;
  }
}

/**
 * With `repeat` n > 1, each dialogue becomes n cases `<id>#1` .. `<id>#n` (metadata `sampleOf`,
 * `sample`), played and judged as separate samples; with 1 the dialogues pass unchanged.
 */
export async function* repeatedCases(
  cases: AsyncIterable<Dialogue> | Iterable<Dialogue>,
  repeat: number,
): AsyncGenerator<Dialogue> {
  for await (const dialogue of cases) {
    if (repeat <= 1) {
      yield dialogue;
      continue;
    }
    for (let sample = 1; sample <= repeat; sample++)
      yield {
        ...dialogue,
        id: `${dialogue.id}#${sample}`,
        metadata: { ...dialogue.metadata, sampleOf: dialogue.id, sample },
      };
  }
}
