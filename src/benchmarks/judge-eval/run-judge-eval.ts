import type { ModelCaller, Target } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import type { PriceTable } from "../../engine/pricing.ts";
import { type RunProgress, runCases } from "../../engine/run-cases.ts";
import type { RunSessionHooks, RunSettings } from "../../engine/run-session.ts";
import type { Store } from "../../engine/store.ts";
import { CancelledError, describeError } from "../../errors.ts";
import type { Judge, JudgeVerdict } from "../../judges/judge.ts";
import type { PlaySession } from "../benchmark.ts";
import { GroupTurns } from "../moderation-eval/group-turns.ts";
import type { JudgeTask } from "./gold-labels.ts";

/** A judge under evaluation, under the label (its spec) that names it in results. */
export interface EvaluatedJudge {
  label: string;
  judge: Judge;
  /** A custom judge's label when it fires: its positive verdict. */
  flagged?: string;
}

/** Everything a judge evaluation needs, already resolved. */
export interface JudgeEvalPlan extends RunSettings {
  name: string;
  /** Identifies the data (and how it was read) for the run id. */
  dataIdentity: string;
  cases: () => AsyncIterable<Dialogue> | Iterable<Dialogue>;
  judges: EvaluatedJudge[];
  task: JudgeTask;
  imageBaseDir?: string;
  /** What the user asked for, secrets removed; stored with the run. */
  config: unknown;
}

/** Calls, tokens and cost of one judge on one item. */
export interface JudgeUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** One judge's verdict on one item, as stored in the case result (the raw output is in the score row). */
export interface JudgeOutcome {
  /** The judge's name (`refusal`, `safety`, `moderation`, a custom judge's): how its labels are read. */
  judge: string;
  /** A custom judge's label when it fires (its positive verdict); absent for built-in judges. */
  flagged?: string;
  status: JudgeVerdict["status"];
  label: string | null;
  value: number | null;
  /** The judge's graded score, where it has one (else the value is used). */
  score: number | null;
  explanation: string | null;
  latencyMs: number;
  usage: JudgeUsage;
}

/** Stored result of one item. */
export interface JudgeEvalCaseResult {
  task: JudgeTask;
  judges: Record<string, JudgeOutcome>;
}

/** What determines an evaluation's results (data, judges, task), hashed into its id. */
export function judgeEvalIdentity(plan: JudgeEvalPlan): unknown {
  return {
    data: plan.dataIdentity,
    task: plan.task,
    judges: plan.judges.map((entry) => [
      entry.label,
      entry.judge.name,
      entry.judge.target?.fingerprint ?? null,
      entry.judge.identity ?? null,
      entry.flagged ?? null,
    ]),
  };
}

/** Every model the evaluated judges call. */
export function judgeEvalModels(plan: JudgeEvalPlan): Target[] {
  return plan.judges.flatMap((entry) => (entry.judge.target ? [entry.judge.target] : []));
}

/**
 * Runs every judge over every labelled item and stores each item's verdicts (also as score
 * rows, scorer `<judge>@<spec>`). A judge that throws is stored as errored, never dropped; only
 * cancellation stops the run. Judges are warmed up first and each is timed in its own turn.
 */
export async function playJudgeEval(
  plan: JudgeEvalPlan,
  { store, runId, executor }: PlaySession,
  hooks: RunSessionHooks,
): Promise<RunProgress> {
  const turns = new GroupTurns();
  await Promise.all(plan.judges.map((entry) => entry.judge.warmUp?.()));
  return runCases<JudgeEvalCaseResult>({
    store,
    runId,
    cases: plan.cases(),
    concurrency: plan.concurrency,
    backoff: executor,
    retryErrored: plan.retryErrored,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
    play: (item) => judgeItem(plan, turns, store, runId, item, executor.forCase(item.id)),
  });
}

async function judgeItem(
  plan: JudgeEvalPlan,
  turns: GroupTurns,
  store: Store,
  runId: string,
  item: Dialogue,
  caller: ModelCaller,
): Promise<JudgeEvalCaseResult> {
  const last = item.messages.at(-1);
  const response =
    last?.role === "assistant"
      ? last.content.map((part) => (part.type === "text" ? part.text : "")).join("\n")
      : "";
  const outcomes: JudgeOutcome[] = [];
  for (const [index, entry] of plan.judges.entries())
    await turns.run(index, async () => {
      const usage: JudgeUsage = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      const started = performance.now();
      const verdict = await safely(
        entry.judge,
        item,
        response,
        counting(caller, `j${index}`, usage, plan.prices),
      );
      const latencyMs = performance.now() - started;
      outcomes[index] = {
        judge: entry.judge.name,
        ...(entry.flagged ? { flagged: entry.flagged } : {}),
        status: verdict.status,
        label: verdict.label,
        value: verdict.value,
        score: verdict.score ?? null,
        explanation: verdict.explanation,
        latencyMs,
        usage,
      };
      store.putScore({
        runId,
        caseId: item.id,
        scorer: `${entry.judge.name}@${entry.label}`,
        status: verdict.status,
        label: verdict.label,
        value: verdict.value,
        explanation: verdict.explanation,
        raw: verdict.raw,
        createdAt: new Date().toISOString(),
      });
    });
  const judges: Record<string, JudgeOutcome> = {};
  plan.judges.forEach((entry, index) => {
    const outcome = outcomes[index];
    if (outcome) judges[entry.label] = outcome;
  });
  return { task: plan.task, judges };
}

/** A judge that throws (a bug, a bad image) gives an errored verdict; cancellation still stops. */
async function safely(
  judge: Judge,
  item: Dialogue,
  response: string,
  caller: ModelCaller,
): Promise<JudgeVerdict> {
  try {
    return await judge.judge({ transcript: item, response }, caller);
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    return { status: "errored", label: null, value: null, explanation: describeError(error), raw: null };
  }
}

/** Prefixes each call's step (judges never share a work key) and adds its tokens and cost to `usage`. */
function counting(caller: ModelCaller, prefix: string, usage: JudgeUsage, prices: PriceTable): ModelCaller {
  return {
    async call(role, target, request, step) {
      const response = await caller.call(role, target, request, `${prefix}/${step}`);
      usage.calls++;
      usage.inputTokens += response.usage.inputTokens;
      usage.outputTokens += response.usage.outputTokens;
      usage.costUsd += prices.cost(target.provider, target.model, response.usage);
      return response;
    },
  };
}
