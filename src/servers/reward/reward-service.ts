import type { ModelCaller } from "../../contracts/index.ts";
import type { Message } from "../../dialogue/dialogue.ts";
import { describeError } from "../../errors.ts";
import type { TurnScoreJudge, TurnScoreResult } from "../../judges/turn-score-judge.ts";
import type {
  RolloutTurnScores,
  TurnRewardOptions,
  TurnRewardPart,
} from "../../metrics/turn-aware-reward.ts";
import { BoundedMap } from "./bounded-map.ts";
import { GroupBarrier } from "./group-barrier.ts";
import { rolloutContentKey } from "./read-rollout.ts";
import { RewardMetrics } from "./reward-metrics.ts";

/** One rollout to reward. Without `group` (or with `groupSize` 1) it is a group of its own. */
export interface RewardItem {
  /** Request id: the same id gets the same answer, judged once (retries of a timed-out call). */
  id?: string;
  messages: Message[];
  group?: string;
  groupSize?: number;
}

/** The answer for one rollout. On a judge failure: `reward` is the fallback, `score` null, `error` set. */
export interface RewardItemResult {
  id: string | null;
  reward: number;
  /** reward / (1 + beta), in [0, 1]; null when the rollout could not be scored. */
  score: number | null;
  turns: TurnRewardPart[];
  /** Numbers only (RL engines log them): judge_error, partial_group, group_arrived, group_expected, cached, turns, turn_weight_<t>. */
  extras: Record<string, number>;
  error: string | null;
}

export interface RewardServiceOptions {
  judge: TurnScoreJudge;
  /** How judge calls are made: the engine's executor (cache, retries, store) or a direct caller. */
  caller: ModelCaller;
  reward?: Partial<TurnRewardOptions>;
  /** How long a group waits for its members after the first arrived (default 60 s). */
  groupTimeoutMs?: number;
  /** Reward given to a rollout whose judge failed (default 0; its `error` says why). */
  fallbackReward?: number;
  /** How long one judge call may take (default 120 s). */
  judgeTimeoutMs?: number;
  /** Rollouts whose scores are kept by content (default 16,384: a few RL steps). */
  cacheEntries?: number;
  /** Request ids remembered for idempotency (default 16,384). */
  idempotencyEntries?: number;
}

/**
 * The reward behind every route: judges each rollout once per content (cached), waits at the
 * group barrier, and computes its reward from the group's turn weights. Never throws for a
 * judge failure: the rollout gets the fallback reward and an error, and is left out of its
 * group's statistics.
 */
export class RewardService {
  readonly metrics = new RewardMetrics();
  readonly #options: RewardServiceOptions;
  readonly #barrier: GroupBarrier;
  readonly #scores: BoundedMap<string, Promise<TurnScoreResult>>;
  readonly #requests: BoundedMap<string, Promise<RewardItemResult>>;

  constructor(options: RewardServiceOptions) {
    this.#options = options;
    this.#barrier = new GroupBarrier(options.groupTimeoutMs ?? 60_000, options.reward ?? {});
    this.#scores = new BoundedMap(options.cacheEntries ?? 16_384);
    this.#requests = new BoundedMap(options.idempotencyEntries ?? 16_384);
  }

  /** Groups waiting for members now. */
  get openGroups(): number {
    return this.#barrier.openGroups;
  }

  /** Rewards one rollout (after its group closes). */
  score(item: RewardItem): Promise<RewardItemResult> {
    if (item.id === undefined) return this.#score(item);
    const earlier = this.#requests.get(item.id);
    if (earlier) {
      this.metrics.count("idempotent_replay");
      return earlier;
    }
    const pending = this.#score(item).then((result) => {
      // A failed judgement is not remembered, so a retry is judged again.
      if (result.error !== null) this.#requests.delete(item.id as string);
      return result;
    });
    this.#requests.set(item.id, pending);
    return pending;
  }

  /** The answer for a rollout that could not be read (compat routes answer it rather than fail the request). */
  inputFailure(message: string): RewardItemResult {
    this.metrics.count("bad_request");
    return {
      id: null,
      reward: this.#options.fallbackReward ?? 0,
      score: null,
      turns: [],
      extras: { judge_error: 0, input_error: 1 },
      error: message,
    };
  }

  /** Answers every waiting group now, over the members that arrived. */
  flush(): void {
    this.#barrier.flush();
  }

  async #score(item: RewardItem): Promise<RewardItemResult> {
    const started = performance.now();
    const { judged, cached } = this.#judge(item.messages);
    const scores = judged.then((result) => result.scores);
    const size = item.group === undefined ? 1 : (item.groupSize ?? 1);
    const outcome = await this.#barrier.join(item.group ?? "", size, scores);
    const own = await judged;
    const reward = outcome.group.rollouts[outcome.index] ?? null;
    const extras: Record<string, number> = {
      judge_error: reward === null ? 1 : 0,
      partial_group: outcome.partial ? 1 : 0,
      group_arrived: outcome.arrived,
      group_expected: outcome.expected,
      cached: cached ? 1 : 0,
      turns: reward?.turns.length ?? 0,
    };
    outcome.group.turns.forEach((turn, index) => {
      extras[`turn_weight_${index + 1}`] = turn.weight;
    });
    this.metrics.observe(reward === null ? "judge_error" : "ok", outcome, performance.now() - started);
    if (reward === null)
      return {
        id: item.id ?? null,
        reward: this.#options.fallbackReward ?? 0,
        score: null,
        turns: [],
        extras,
        error: `judge ${own.status}: ${own.error ?? "no scores"}`,
      };
    return {
      id: item.id ?? null,
      reward: reward.reward,
      score: reward.score,
      turns: reward.turns,
      extras,
      error: null,
    };
  }

  #judge(messages: Message[]): { judged: Promise<TurnScoreResult>; cached: boolean } {
    const key = rolloutContentKey(messages);
    const earlier = this.#scores.get(key);
    if (earlier) return { judged: earlier, cached: true };
    const judged = this.#options.judge
      .score(messages, this.#options.caller, AbortSignal.timeout(this.#options.judgeTimeoutMs ?? 120_000))
      .catch(
        (error: unknown): TurnScoreResult => ({
          status: "errored",
          scores: null,
          error: describeError(error),
          raw: null,
        }),
      )
      .then((result) => {
        if (result.status !== "ok") this.#scores.delete(key);
        return result;
      });
    this.#scores.set(key, judged);
    return { judged, cached: false };
  }
}

export type { RolloutTurnScores };
