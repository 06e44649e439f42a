import type { GuardSide } from "./moderate-side.ts";

/** How a chat request ended, as counted by `/metrics`. */
export type GuardOutcome =
  | "allowed"
  | "blocked_user"
  | "blocked_assistant"
  | "rejected"
  | "unauthorized"
  | "upstream_error"
  /** The client went away before the answer was complete. */
  | "cancelled";

/** Upper bounds (seconds) of the moderation latency histogram. */
export const MODERATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** Counters and a moderation latency histogram, rendered in the Prometheus text format. */
export class GuardMetrics {
  readonly #requests = new Map<GuardOutcome, number>();
  readonly #blocked = new Map<GuardSide, number>();
  readonly #moderatorErrors = new Map<GuardSide, number>();
  readonly #latency = new Map<GuardSide, Histogram>();

  /** Counts one chat request by how it ended. */
  countRequest(outcome: GuardOutcome): void {
    this.#requests.set(outcome, (this.#requests.get(outcome) ?? 0) + 1);
  }

  /** Counts a side that was blocked (by a verdict or because the moderator failed closed). */
  countBlocked(side: GuardSide): void {
    this.#blocked.set(side, (this.#blocked.get(side) ?? 0) + 1);
  }

  /** Counts a moderator failure (error, timeout, unparsed output), whether it failed open or closed. */
  countModeratorError(side: GuardSide): void {
    this.#moderatorErrors.set(side, (this.#moderatorErrors.get(side) ?? 0) + 1);
  }

  /** Records how long one moderation took. */
  observeModeration(side: GuardSide, milliseconds: number): void {
    let histogram = this.#latency.get(side);
    if (!histogram) {
      histogram = { counts: MODERATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#latency.set(side, histogram);
    }
    const seconds = milliseconds / 1000;
    MODERATION_BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) histogram.counts[index] = (histogram.counts[index] ?? 0) + 1;
    });
    histogram.sum += seconds;
    histogram.count++;
  }

  /** Number of requests counted with an outcome (for tests and summaries). */
  requests(outcome: GuardOutcome): number {
    return this.#requests.get(outcome) ?? 0;
  }

  /** The Prometheus exposition text. */
  render(): string {
    const lines: string[] = [];
    lines.push("# HELP turnsafe_guard_requests_total Chat completion requests by outcome.");
    lines.push("# TYPE turnsafe_guard_requests_total counter");
    for (const [outcome, count] of this.#requests)
      lines.push(`turnsafe_guard_requests_total{outcome="${outcome}"} ${count}`);
    lines.push("# HELP turnsafe_guard_blocked_total Requests blocked, by the side that was unsafe.");
    lines.push("# TYPE turnsafe_guard_blocked_total counter");
    for (const side of ["user", "assistant"] as const)
      lines.push(`turnsafe_guard_blocked_total{side="${side}"} ${this.#blocked.get(side) ?? 0}`);
    lines.push("# HELP turnsafe_guard_moderator_errors_total Moderations that gave no verdict.");
    lines.push("# TYPE turnsafe_guard_moderator_errors_total counter");
    for (const side of ["user", "assistant"] as const)
      lines.push(
        `turnsafe_guard_moderator_errors_total{side="${side}"} ${this.#moderatorErrors.get(side) ?? 0}`,
      );
    lines.push("# HELP turnsafe_guard_moderation_seconds Time spent in the moderator per check.");
    lines.push("# TYPE turnsafe_guard_moderation_seconds histogram");
    for (const [side, histogram] of this.#latency) {
      MODERATION_BUCKETS.forEach((bound, index) => {
        lines.push(
          `turnsafe_guard_moderation_seconds_bucket{side="${side}",le="${bound}"} ${histogram.counts[index] ?? 0}`,
        );
      });
      lines.push(`turnsafe_guard_moderation_seconds_bucket{side="${side}",le="+Inf"} ${histogram.count}`);
      lines.push(`turnsafe_guard_moderation_seconds_sum{side="${side}"} ${histogram.sum}`);
      lines.push(`turnsafe_guard_moderation_seconds_count{side="${side}"} ${histogram.count}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
