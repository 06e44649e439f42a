import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import { DialogueSchema } from "../../dialogue/dialogue.ts";
import { readDialogues, readJsonl } from "../../dialogue/jsonl.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { InputError } from "../../errors.ts";
import type { Judge } from "../../judges/judge.ts";
import { buildJudge, judgeEntries } from "../build-judges.ts";
import { limitedDialogues } from "../dialogues/run-dialogues.ts";
import type { JudgeScorePlan } from "./run-judge-score.ts";

/** What `judge score` was asked for; paths may be relative to `baseDir`. */
export interface JudgeScoreRequest {
  data: string;
  judges: string[];
  /** A YAML list of judges as in a run config's `judges` (custom judges too). */
  judgesFile?: string;
  imageDir?: string;
  limit?: number;
  name?: string;
  store: string;
  reportDir: string;
  concurrency?: number;
  cache?: boolean;
  retryErrored?: boolean;
  breakdown?: string[];
}

/**
 * Resolves a `judge score` request. Every transcript is checked first: each must be a valid
 * dialogue whose last message is the assistant's answer under judgement (errors name the line).
 */
export async function planJudgeScore(
  request: JudgeScoreRequest,
  options: { env: Record<string, string | undefined>; baseDir: string },
): Promise<{ plan: JudgeScorePlan; total: number; close(): Promise<void> }> {
  const entries = judgeEntries(request.judges, request.judgesFile, options.baseDir);
  const data = path.resolve(options.baseDir, request.data);
  let total = 0;
  for await (const { line, value } of readJsonl(data, DialogueSchema)) {
    const last = value.messages.at(-1);
    if (last?.role !== "assistant")
      throw new InputError(
        `the last message must be the assistant's answer to score (found ${last?.role}); to have a model answer, use turnsafe run`,
        `${data}:${line}: messages.${value.messages.length - 1}.role`,
      );
    if (request.limit === undefined || total < request.limit) total++;
  }
  for await (const _dialogue of readDialogues(data)); // duplicate ids and an empty file are errors
  const imageBaseDir = request.imageDir
    ? path.resolve(options.baseDir, request.imageDir)
    : path.dirname(data);
  const scope = new AsyncDisposableStack();
  const close = () => scope.disposeAsync();
  try {
    const judges: Judge[] = [];
    for (const entry of entries)
      judges.push(await buildJudge(entry.config, entry.where, { ...options, imageBaseDir }, scope));
    const dataIdentity = `file:${data}#${await fileSha256(data)}`;
    const plan: JudgeScorePlan = {
      name: request.name ?? `judge-score-${path.basename(data).replace(/\.[^.]+$/, "")}`,
      dataIdentity,
      dataFile: data,
      cases: () => limitedDialogues(data, request.limit),
      judges,
      imageBaseDir,
      breakdown: request.breakdown,
      storePath: path.resolve(options.baseDir, request.store),
      reportDir: path.resolve(options.baseDir, request.reportDir),
      concurrency: request.concurrency ?? 8,
      endpointConcurrency: 8,
      cache: request.cache ?? true,
      retry: {},
      prices: new PriceTable(),
      retryErrored: request.retryErrored,
      reportCases: 300,
      config: {
        data: dataIdentity,
        judges: request.judges,
        limit: request.limit,
        breakdown: request.breakdown,
      },
    };
    return { plan, total, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex").slice(0, 16);
}
