import {
  computeGroupRewards,
  type GroupReward,
  type RolloutTurnScores,
  type TurnRewardOptions,
} from "../../metrics/turn-aware-reward.ts";

/** What one member of a group gets once its group closes. */
export interface GroupOutcome {
  group: GroupReward;
  /** This member's position in the group (arrival order). */
  index: number;
  /** Members that arrived before the group closed. */
  arrived: number;
  /** The size the group was expected to reach. */
  expected: number;
  /** True when the group closed on its timeout with fewer members than expected. */
  partial: boolean;
}

interface OpenGroup {
  expected: number;
  members: Promise<RolloutTurnScores | null>[];
  waiters: { resolve(outcome: GroupOutcome): void; reject(error: unknown): void }[];
  timer: NodeJS.Timeout | undefined;
}

/**
 * Holds replies until a group's members have arrived, or until `timeoutMs` after its first
 * member arrived, then computes the group's turn weights over the members that arrived (their
 * scores awaited: judging runs while the group fills) and answers them all. A member arriving
 * after its group closed opens a new group under the same key. Groups of one close at once.
 */
export class GroupBarrier {
  readonly #open = new Map<string, OpenGroup>();
  readonly #timeoutMs: number;
  readonly #reward: Partial<TurnRewardOptions>;

  constructor(timeoutMs: number, reward: Partial<TurnRewardOptions>) {
    this.#timeoutMs = timeoutMs;
    this.#reward = reward;
  }

  /** Groups waiting for members now. */
  get openGroups(): number {
    return this.#open.size;
  }

  /** Adds a member (its scores, being judged) to the group `key` of `expected` members. */
  join(key: string, expected: number, scores: Promise<RolloutTurnScores | null>): Promise<GroupOutcome> {
    let group = this.#open.get(key);
    if (!group) {
      group = { expected: Math.max(1, expected), members: [], waiters: [], timer: undefined };
      if (group.expected > 1) {
        this.#open.set(key, group);
        const opened = group;
        opened.timer = setTimeout(() => this.#close(key, opened), this.#timeoutMs);
        opened.timer.unref?.();
      }
    }
    const joined = group;
    const outcome = new Promise<GroupOutcome>((resolve, reject) => joined.waiters.push({ resolve, reject }));
    joined.members.push(scores);
    if (joined.members.length >= joined.expected) this.#close(key, joined);
    return outcome;
  }

  /** Closes every open group now (server shutdown): each is answered over what arrived. */
  flush(): void {
    for (const [key, group] of [...this.#open]) this.#close(key, group);
  }

  #close(key: string, group: OpenGroup): void {
    if (this.#open.get(key) === group) this.#open.delete(key);
    if (group.timer) clearTimeout(group.timer);
    group.timer = undefined;
    const { members, waiters, expected } = group;
    Promise.all(members).then(
      (scores) => {
        let result: GroupReward;
        try {
          result = computeGroupRewards(scores, this.#reward);
        } catch (error) {
          for (const waiter of waiters) waiter.reject(error);
          return;
        }
        const partial = members.length < expected;
        waiters.forEach((waiter, index) => {
          waiter.resolve({ group: result, index, arrived: members.length, expected, partial });
        });
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}
