import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import path from "node:path";
import { customFlaggedLabel } from "../../config/judge-spec.ts";
import type { JudgeConfig } from "../../config/run-config.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { InputError } from "../../errors.ts";
import { buildJudge, judgeEntries } from "../build-judges.ts";
import { type JudgeTask, labelMapping, type TieRule } from "./gold-labels.ts";
import type { LabelledSetOptions } from "./labelled-item.ts";
import { labelledLayout, readLabelledSet } from "./read-labelled-set.ts";
import { judgeFitsTask } from "./read-verdict.ts";
import type { EvaluatedJudge, JudgeEvalPlan } from "./run-judge-eval.ts";

/** What `judge eval` was asked for; paths may be relative to `baseDir`. */
export interface JudgeEvalRequest {
  data: string;
  /** Judge specs (`refusal`, `local`, `safety:<target>`, `moderator:<spec>`). */
  judges: string[];
  /** A YAML list of judges as in a run config's `judges` (custom regex, contains and rubric judges too). */
  judgesFile?: string;
  task?: JudgeTask;
  format?: LabelledSetOptions["format"];
  promptCol?: string;
  responseCol?: string;
  labelCol?: string;
  categoryCol?: string;
  idCol?: string;
  labelFields?: string[];
  positiveValues?: string[];
  negativeValues?: string[];
  ties?: TieRule;
  imageDir?: string;
  limit?: number;
  name?: string;
  store: string;
  reportDir: string;
  concurrency?: number;
  cache?: boolean;
  retryErrored?: boolean;
  reportCases?: number;
}

/** A plan plus what must be shut down after the run (simulators, moderator workers). */
export interface PlannedJudgeEval {
  plan: JudgeEvalPlan;
  close(): Promise<void>;
}

/**
 * Resolves a `judge eval` request: checks the whole labelled set first (a bad row is an error
 * naming its file, line and field before anything is stored), then builds the judges.
 */
export async function planJudgeEval(
  request: JudgeEvalRequest,
  options: { env: Record<string, string | undefined>; baseDir: string },
): Promise<PlannedJudgeEval> {
  const task = request.task ?? "harm";
  const entries = judgeEntries(request.judges, request.judgesFile, options.baseDir);
  for (const entry of entries) {
    const unfit = customFlaggedLabel(entry.config) ? null : judgeFitsTask(builtInName(entry.config), task);
    if (unfit) throw new InputError(unfit, `${entry.where} (${entry.label})`);
  }
  const data = path.resolve(options.baseDir, request.data);
  if (!existsSync(data)) throw new InputError("no such file", data);
  const readOptions: LabelledSetOptions = {
    format: request.format ?? "auto",
    mapping: labelMapping(task, request.positiveValues, request.negativeValues),
    promptCol: request.promptCol,
    responseCol: request.responseCol,
    labelCol: request.labelCol,
    categoryCol: request.categoryCol,
    idCol: request.idCol,
    labelFields: request.labelFields,
    ties: request.ties,
  };
  const source = () => limited(readLabelledSet(data, readOptions), request.limit);
  for await (const _item of source()); // every row checked before the run is registered
  const imageBaseDir = request.imageDir
    ? path.resolve(options.baseDir, request.imageDir)
    : path.dirname(data);
  const scope = new AsyncDisposableStack();
  const close = () => scope.disposeAsync();
  try {
    const judges: EvaluatedJudge[] = [];
    for (const entry of entries) {
      const judge = await buildJudge(entry.config, entry.where, { ...options, imageBaseDir }, scope);
      judges.push({ label: entry.label, judge, flagged: customFlaggedLabel(entry.config) });
    }
    const { mapping, ...read } = readOptions;
    const described = {
      data,
      layout: labelledLayout(data, readOptions.format),
      ...read,
      positiveValues: [...mapping.positive],
      negativeValues: mapping.negative ? [...mapping.negative] : "every other value",
    };
    const plan: JudgeEvalPlan = {
      name: request.name ?? `judge-eval-${path.basename(data).replace(/\.[^.]+$/, "")}`,
      dataIdentity: JSON.stringify({ ...described, sha256: await fileSha256(data), limit: request.limit }),
      cases: source,
      judges,
      task,
      imageBaseDir,
      storePath: path.resolve(options.baseDir, request.store),
      reportDir: path.resolve(options.baseDir, request.reportDir),
      concurrency: request.concurrency ?? 8,
      endpointConcurrency: 8,
      cache: request.cache ?? true,
      retry: {},
      prices: new PriceTable(),
      retryErrored: request.retryErrored,
      reportCases: request.reportCases ?? 200,
      config: { task, judges: entries.map((entry) => entry.config), limit: request.limit, ...described },
    };
    return { plan, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function builtInName(config: JudgeConfig): string {
  if (config === "refusal" || config.type === "refusal") return "refusal";
  return config.type === "moderator" ? "moderation" : config.type;
}

async function* limited(
  source: AsyncIterable<Dialogue>,
  limit: number | undefined,
): AsyncGenerator<Dialogue> {
  let count = 0;
  for await (const item of source) {
    if (limit !== undefined && count++ >= limit) return;
    yield item;
  }
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex").slice(0, 16);
}
