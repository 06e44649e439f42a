import type { GroupOutcome } from "./group-barrier.ts";

/** Upper bounds (seconds) of the reward latency histogram (barrier wait and judge included). */
const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 180];

/** Counters and a latency histogram of the reward server, in the Prometheus text format. */
export class RewardMetrics {
  readonly #counts = new Map<string, number>();
  readonly #latency = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
  #partialMembers = 0;

  /** Counts an event: `unauthorized`, `rejected`, `idempotent_replay`, `bad_request`. */
  count(event: string): void {
    this.#counts.set(event, (this.#counts.get(event) ?? 0) + 1);
  }

  /** Records one rewarded rollout. */
  observe(outcome: "ok" | "judge_error", group: GroupOutcome, milliseconds: number): void {
    this.count(outcome);
    if (group.partial) this.#partialMembers++;
    const seconds = milliseconds / 1000;
    BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) this.#latency.counts[index] = (this.#latency.counts[index] ?? 0) + 1;
    });
    this.#latency.sum += seconds;
    this.#latency.count++;
  }

  /** A counter's value (for tests and summaries). */
  value(event: string): number {
    return this.#counts.get(event) ?? 0;
  }

  /** GuardMetrics-compatible counter for the shared auth and body-limit middleware. */
  countRequest(outcome: string): void {
    this.count(outcome);
  }

  render(): string {
    const lines = [
      "# HELP turnsafe_reward_events_total Rewarded rollouts by outcome, and request events.",
      "# TYPE turnsafe_reward_events_total counter",
    ];
    for (const [event, count] of this.#counts)
      lines.push(`turnsafe_reward_events_total{event="${event}"} ${count}`);
    lines.push(
      "# HELP turnsafe_reward_partial_group_members_total Rollouts rewarded in a group closed by its timeout.",
    );
    lines.push("# TYPE turnsafe_reward_partial_group_members_total counter");
    lines.push(`turnsafe_reward_partial_group_members_total ${this.#partialMembers}`);
    lines.push("# HELP turnsafe_reward_seconds Time from a rollout's arrival to its reward.");
    lines.push("# TYPE turnsafe_reward_seconds histogram");
    BUCKETS.forEach((bound, index) => {
      lines.push(`turnsafe_reward_seconds_bucket{le="${bound}"} ${this.#latency.counts[index] ?? 0}`);
    });
    lines.push(`turnsafe_reward_seconds_bucket{le="+Inf"} ${this.#latency.count}`);
    lines.push(`turnsafe_reward_seconds_sum ${this.#latency.sum}`);
    lines.push(`turnsafe_reward_seconds_count ${this.#latency.count}`);
    return `${lines.join("\n")}\n`;
  }
}
