import type { ModelCaller, Target } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import type { PriceTable } from "../../engine/pricing.ts";
import type { RunProgress } from "../../engine/run-cases.ts";
import { runCases } from "../../engine/run-cases.ts";
import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import type { Store } from "../../engine/store.ts";
import { CancelledError, describeError } from "../../errors.ts";
import type { ModerationResult, Moderator, Policy, PolicyDimension } from "../../moderators/moderator.ts";
import { buildPolicy, renderPolicy } from "../../moderators/policy.ts";
import type { PlaySession } from "../benchmark.ts";
import { GroupTurns } from "./group-turns.ts";
import { itemPolicyOf, labelsOf, sameDimension } from "./moderation-labels.ts";

/** A moderator under evaluation, under the label (its spec) that names it in results. */
export interface EvaluatedModerator {
  label: string;
  moderator: Moderator;
}

/** Everything a moderation evaluation needs, already resolved. */
export interface ModerationEvalPlan {
  name: string;
  /** Identifies the data (and how it was read) for the run id. */
  dataIdentity: string;
  cases: () => AsyncIterable<Dialogue> | Iterable<Dialogue>;
  moderators: EvaluatedModerator[];
  /** The policy for items that carry none of their own. */
  policy: Policy;
  /** Custom dimensions item policies may name. */
  customDimensions: PolicyDimension[];
  /** Re-run labelled-unsafe items with their violated dimension removed (default true). */
  flipCheck?: boolean;
  storePath: string;
  reportDir: string;
  concurrency: number;
  endpointConcurrency?: number;
  cache: boolean;
  prices: PriceTable;
  retryErrored?: boolean;
  reportCases?: number;
  /** What the user asked for, secrets removed; stored with the run. */
  config: unknown;
}

/** Usage of one moderator on one case, from the calls it made. */
export interface ModeratorUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** One moderator's outcome on one case. */
export interface ModeratorCaseOutcome {
  result: ModerationResult;
  latencyMs: number;
  usage: ModeratorUsage;
  /** The re-run with the labelled unsafe dimensions removed; null when not applicable. */
  flip: { removed: string[]; result: ModerationResult; usage: ModeratorUsage } | null;
}

/** Stored result of one case. */
export interface ModerationCaseResult {
  policy: string[];
  moderators: Record<string, ModeratorCaseOutcome>;
}

/** Hooks for progress and interruption. */
export type ModerationEvalHooks = RunSessionHooks;

/** What an evaluation leaves behind. */
export type ModerationEvalOutcome = RunSessionOutcome;

/** What determines an evaluation's results (data, moderators, policy, options), hashed into its id. */
export function moderationEvalIdentity(plan: ModerationEvalPlan): unknown {
  return {
    data: plan.dataIdentity,
    moderators: plan.moderators.map((entry) => [
      entry.label,
      entry.moderator.name,
      entry.moderator.target?.fingerprint ?? null,
    ]),
    policy: sha256Hex(renderPolicy(plan.policy)),
    custom: plan.customDimensions.map((dimension) => dimension.name),
    flip: plan.flipCheck !== false,
  };
}

/** Every model the evaluated moderators call. */
export function moderationEvalModels(plan: ModerationEvalPlan): Target[] {
  return plan.moderators.flatMap((entry) => (entry.moderator.target ? [entry.moderator.target] : []));
}

/**
 * Runs every moderator over every case and stores each case's outcomes. Moderator failures are
 * stored as errored results, never dropped; only cancellation stops the run.
 */
export async function playModerationEval(
  plan: ModerationEvalPlan,
  { store, runId, executor }: PlaySession,
  hooks: RunSessionHooks,
): Promise<RunProgress> {
  const turns = new GroupTurns();
  // Latency percentiles leave out loading models and workers: warm every moderator first.
  await Promise.all(plan.moderators.map((entry) => entry.moderator.warmUp?.()));
  return runCases<ModerationCaseResult>({
    store,
    runId,
    cases: plan.cases(),
    concurrency: plan.concurrency,
    backoff: executor,
    retryErrored: plan.retryErrored,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
    play: (dialogue) => moderateCase(plan, turns, store, runId, dialogue, executor.forCase(dialogue.id)),
  });
}

async function moderateCase(
  plan: ModerationEvalPlan,
  turns: GroupTurns,
  store: Store,
  runId: string,
  dialogue: Dialogue,
  caller: ModelCaller,
): Promise<ModerationCaseResult> {
  const names = itemPolicyOf(dialogue);
  const policy = names ? buildPolicy(names, plan.customDimensions) : plan.policy;
  const labels = labelsOf(dialogue);
  const removed = [labels.user, labels.assistant].flatMap((label) =>
    label?.rating === "unsafe" && label.dimension !== null ? [label.dimension] : [],
  );
  const remaining = policy.dimensions.filter(
    (dimension) => !removed.some((name) => sameDimension(name, dimension.name)),
  );
  const flipPolicy: Policy | undefined =
    plan.flipCheck !== false && remaining.length > 0 && remaining.length < policy.dimensions.length
      ? { name: `${policy.name} without ${[...new Set(removed)].join(", ")}`, dimensions: remaining }
      : undefined;
  const outcomes: ModeratorCaseOutcome[] = [];
  // One moderator after another, each in its own turn (GroupTurns): a moderator's latency is its
  // own, not inflated by another moderator's work on the same event loop.
  for (const [index, entry] of plan.moderators.entries())
    await turns.run(index, async () => {
      const usage: ModeratorUsage = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      const started = performance.now();
      const result = await safely(
        entry.moderator,
        dialogue,
        policy,
        counting(caller, `m${index}`, usage, plan.prices),
      );
      const latencyMs = performance.now() - started;
      let flip: ModeratorCaseOutcome["flip"] = null;
      if (flipPolicy) {
        const flipUsage: ModeratorUsage = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
        const flipped = await safely(
          entry.moderator,
          dialogue,
          flipPolicy,
          counting(caller, `m${index}/flip`, flipUsage, plan.prices),
        );
        flip = {
          removed: policy.dimensions
            .filter((dimension) => !remaining.includes(dimension))
            .map((dimension) => dimension.name),
          result: flipped,
          usage: flipUsage,
        };
      }
      outcomes[index] = { result, latencyMs, usage, flip };
      for (const side of ["user", "assistant"] as const) {
        const verdict = result[side];
        if (!verdict && result.status === "ok") continue;
        store.putScore({
          runId,
          caseId: dialogue.id,
          scorer: `moderation-${side}@${entry.label}`,
          status: result.status,
          label: verdict?.rating ?? null,
          value: verdict ? (verdict.rating === "unsafe" ? 1 : 0) : null,
          explanation: verdict
            ? `${verdict.dimension ?? "no dimension"}: ${verdict.rationale}`
            : result.error,
          raw: result.raw,
          createdAt: new Date().toISOString(),
        });
      }
    });
  // Keyed in the plan's order (not completion order), so reports list moderators as asked.
  const moderators: Record<string, ModeratorCaseOutcome> = {};
  plan.moderators.forEach((entry, index) => {
    const outcome = outcomes[index];
    if (outcome) moderators[entry.label] = outcome;
  });
  return { policy: policy.dimensions.map((dimension) => dimension.name), moderators };
}

/** A moderator that throws (a bug, a bad image) yields an errored result; cancellation still stops. */
async function safely(
  moderator: Moderator,
  dialogue: Dialogue,
  policy: Policy,
  caller: ModelCaller,
): Promise<ModerationResult> {
  try {
    return await moderator.moderate(dialogue, policy, caller);
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    return { status: "errored", user: null, assistant: null, raw: null, error: describeError(error) };
  }
}

/**
 * Prefixes each call's step (so moderators, and a moderator's flip re-run, never share a work
 * key within a case) and adds the call's tokens and cost to `usage`.
 */
function counting(
  caller: ModelCaller,
  prefix: string,
  usage: ModeratorUsage,
  prices: PriceTable,
): ModelCaller {
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
