import path from "node:path";
import type { RunConfig } from "../../config/run-config.ts";
import type { Target } from "../../contracts/index.ts";
import { fileFingerprint } from "../../dialogue/file-fingerprint.ts";
import { checkedDialogues } from "../../dialogue/validate-dialogue-file.ts";
import { defaultCasesInFlight } from "../../engine/cases-in-flight.ts";
import { resolveStoreLocation } from "../../engine/open-store.ts";
import { PriceTable } from "../../engine/pricing.ts";
import type { Judge } from "../../judges/judge.ts";
import { buildTarget } from "../../targets/build-target.ts";
import { buildJudge } from "../build-judges.ts";
import { buildQuickstartSuite } from "./quickstart-suite.ts";
import type { DialogueRunPlan } from "./run-dialogues.ts";

/** A plan plus what must be shut down after the run (in-process simulators). */
export interface PlannedRun {
  plan: DialogueRunPlan;
  close(): Promise<void>;
  /**
   * Things found while reading the data that did not stop it (`file:line: ...`), for the CLI to
   * show; filled while the run streams the data.
   */
  warnings: string[];
  /** Only the first n dialogues are played (`limit`). */
  limit?: number;
}

export interface PlanOptions {
  /** Folder relative paths in the config are resolved against (the config file's folder). */
  baseDir: string;
  env: Record<string, string | undefined>;
  retryErrored?: boolean;
  /** The store when the config names none (default: `.turnsafe/turnsafe.db` in the current directory). */
  defaultStorePath?: string;
  /** The report folder when the config names none (default: `.turnsafe/reports` in the current directory). */
  defaultReportDir?: string;
}

/**
 * Resolves a run configuration: builds targets and judges, starts in-process simulators for
 * `simulator` / `simulator:<script.yaml>` targets, and resolves paths.
 */
export async function planDialogueRun(config: RunConfig, options: PlanOptions): Promise<PlannedRun> {
  // Everything the plan starts (simulators, moderators' workers) is stopped when it closes.
  const scope = new AsyncDisposableStack();
  const close = () => scope.disposeAsync();
  try {
    const resolve = (file: string) => path.resolve(options.baseDir, file);
    // Problems found while the data streams (invalid UTF-8 repaired), naming file:line.
    const warnings: string[] = [];
    const specs = [...(config.target !== undefined ? [config.target] : []), ...config.targets];
    const targets: Target[] = [];
    for (const [index, spec] of specs.entries())
      targets.push(await buildTarget(spec, `targets.${index}`, options, scope));
    let cases: DialogueRunPlan["cases"];
    let dataIdentity: string;
    let imageBaseDir: string;
    let dataFile: string | undefined;
    if (config.data === "quickstart") {
      imageBaseDir = resolve(config.imageDir ?? ".turnsafe/quickstart");
      const suite = await buildQuickstartSuite(imageBaseDir);
      cases = () => (config.limit ? suite.slice(0, config.limit) : suite);
      dataIdentity = "suite:quickstart";
    } else {
      const file = resolve(config.data);
      dataFile = file;
      imageBaseDir = config.imageDir ? resolve(config.imageDir) : path.dirname(file);
      const baseDir = imageBaseDir;
      // Each line and image is checked as it streams, just before it is played (a bad one stops
      // the run, listing every problem in the file); nothing reads the whole file up front.
      cases = (hash) =>
        checkedDialogues(file, {
          hash,
          imageBaseDir: baseDir,
          limits: config.limits,
          allowOutsideImages: config.allowImagesOutsideDataDir,
          limit: config.limit,
          onWarning: (warning) => warnings.push(warning),
        });
      // The content is part of the run's identity: an edited data file starts a new run (whose
      // unchanged requests are still served from the response cache) instead of reusing old
      // results. The fingerprint costs the same for any size (see fileFingerprint); the edit it
      // cannot see (same size and time stamp, far from both ends) is caught as the data streams:
      // a later session checks the whole-file hash the first one stored (see StreamedDataHash).
      dataIdentity = `file:${file}@${await fileFingerprint(file)}`;
    }
    const judges: Judge[] = [];
    for (const [index, judge] of config.judges.entries())
      judges.push(
        await buildJudge(
          judge,
          `judges.${index}`,
          { ...options, imageBaseDir, imageMaxBytes: config.limits.maxImageBytes },
          scope,
        ),
      );
    const plan: DialogueRunPlan = {
      name: config.name,
      dataIdentity,
      dataFile,
      cases,
      imageBaseDir,
      imageMaxBytes: config.limits.maxImageBytes,
      targets,
      judges,
      driver: config.driver,
      repeat: config.repeat,
      // Paths written in the config are relative to it; the defaults are not (they are the
      // current directory's, like every other command's), so `turnsafe runs` finds the run.
      storePath: config.store
        ? resolveStoreLocation(options.baseDir, config.store)
        : path.resolve(options.defaultStorePath ?? ".turnsafe/turnsafe.db"),
      reportDir: config.reportDir
        ? resolve(config.reportDir)
        : path.resolve(options.defaultReportDir ?? ".turnsafe/reports"),
      // Unset, cases in flight follow the connection budgets: a target with `concurrency: 64`
      // gets 64 requests in flight without a run-level number.
      concurrency:
        config.concurrency ??
        defaultCasesInFlight(
          targets,
          judges.flatMap((judge) => (judge.target ? [judge.target] : [])),
          config.endpointConcurrency,
        ),
      endpointConcurrency: config.endpointConcurrency,
      cache: config.cache,
      retry: config.retry,
      prices: new PriceTable(config.pricing),
      reportCases: config.reportCases,
      breakdown: config.breakdown,
      retryErrored: options.retryErrored,
      config: { ...config, resolved: { imageBaseDir, data: dataIdentity } },
    };
    return { plan, close, warnings, limit: config.limit };
  } catch (error) {
    await close();
    throw error;
  }
}
