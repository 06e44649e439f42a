import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import type { RunConfig } from "../../config/run-config.ts";
import type { Target } from "../../contracts/index.ts";
import { type ValidatedDialogueFile, validateDialogueFile } from "../../dialogue/validate-dialogue-file.ts";
import { resolveStoreLocation } from "../../engine/open-store.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { InputError } from "../../errors.ts";
import type { Judge } from "../../judges/judge.ts";
import { createRefusalDetector } from "../../judges/refusal-detector.ts";
import { createRubricJudge } from "../../judges/rubric-judge.ts";
import { createSafetyJudge } from "../../judges/safety-judge.ts";
import { createContainsJudge, createRegexJudge } from "../../judges/text-check-judge.ts";
import { createModeratorJudge } from "../../moderators/moderator-judge.ts";
import { createModeratorFromSpec } from "../../moderators/moderator-spec.ts";
import { DEFAULT_POLICY, loadPolicyFile } from "../../moderators/policy.ts";
import { buildTarget } from "../../targets/build-target.ts";
import { buildQuickstartSuite } from "./quickstart-suite.ts";
import { type DialogueRunPlan, limitedDialogues } from "./run-dialogues.ts";

/** A plan plus what must be shut down after the run (in-process simulators). */
export interface PlannedRun {
  plan: DialogueRunPlan;
  close(): Promise<void>;
  /** Things found while checking the data that did not stop it (`file:line: ...`), for the CLI to show. */
  warnings: string[];
  /** Dialogues in the data file, when it was checked (for progress totals). */
  total?: number;
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
    // The whole data file and its images are checked before anything starts or is stored.
    let checked: ValidatedDialogueFile | undefined;
    if (config.data !== "quickstart") {
      const file = resolve(config.data);
      checked = await validateDialogueFile(file, {
        imageBaseDir: config.imageDir ? resolve(config.imageDir) : path.dirname(file),
        limits: config.limits,
        allowOutsideImages: config.allowImagesOutsideDataDir,
      });
    }
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
      cases = () => limitedDialogues(file, config.limit, { limits: config.limits });
      // The content is part of the run's identity: an edited data file starts a new run (whose
      // unchanged requests are still served from the response cache) instead of reusing old results.
      dataIdentity = `file:${file}#${await fileSha256(file)}`;
    }
    const judges: Judge[] = [];
    for (const [index, judge] of config.judges.entries()) {
      if (judge === "refusal" || judge.type === "refusal") judges.push(createRefusalDetector());
      else if (judge.type === "moderator") {
        const built = await createModeratorFromSpec(judge.moderator, {
          env: options.env,
          baseDir: options.baseDir,
          imageBaseDir,
        });
        scope.defer(built.close);
        const policy = judge.policy
          ? loadPolicyFile(path.resolve(options.baseDir, judge.policy))
          : DEFAULT_POLICY;
        judges.push(createModeratorJudge({ moderator: built.moderator, policy }));
      } else if (judge.type === "regex") judges.push(createRegexJudge(judge));
      else if (judge.type === "contains") judges.push(createContainsJudge(judge));
      else if (judge.type === "rubric")
        judges.push(
          createRubricJudge({
            config: judge,
            target: await buildTarget(judge.model, `judges.${index}.model`, options, scope),
            imageBaseDir,
          }),
        );
      else
        judges.push(
          createSafetyJudge({
            target: await buildTarget(judge.model, `judges.${index}.model`, options, scope),
            vision: judge.vision,
            imageBaseDir,
            imageMaxBytes: config.limits.maxImageBytes,
          }),
        );
    }
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
      concurrency: config.concurrency,
      endpointConcurrency: config.endpointConcurrency,
      cache: config.cache,
      retry: config.retry,
      prices: new PriceTable(config.pricing),
      reportCases: config.reportCases,
      breakdown: config.breakdown,
      retryErrored: options.retryErrored,
      config: { ...config, resolved: { imageBaseDir, data: dataIdentity } },
    };
    const total = checked && Math.min(checked.dialogues, config.limit ?? Number.POSITIVE_INFINITY);
    return { plan, close, warnings: checked?.warnings ?? [], total };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A short content hash of a data file, streamed. */
async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new InputError(
      `cannot read data file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      file,
    );
  }
  return hash.digest("hex").slice(0, 16);
}
