/**
 * Lets the work of one group run at a time, any number at once within it (the evaluation's
 * moderators: each is timed beside its own concurrent calls, never beside another moderator's,
 * whose CPU work would otherwise hold up its timers and answers). Phase-fair: while another group
 * waits, the running group admits no newcomers; when it drains, the longest-waiting group is let
 * in with all its waiters.
 */
export class GroupTurns {
  #active: number | null = null;
  #running = 0;
  #waiting: { group: number; enter: () => void }[] = [];

  /** Runs `work` in `group`'s turn; the time spent waiting for the turn is not part of `work`. */
  async run<T>(group: number, work: () => Promise<T>): Promise<T> {
    await this.#enter(group);
    try {
      return await work();
    } finally {
      this.#leave();
    }
  }

  #enter(group: number): Promise<void> {
    if (this.#active === null || (this.#active === group && this.#waiting.length === 0)) {
      this.#active = group;
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((enter) => this.#waiting.push({ group, enter }));
  }

  #leave(): void {
    this.#running--;
    if (this.#running > 0) return;
    this.#active = null;
    const next = this.#waiting[0];
    if (!next) return;
    const admitted = this.#waiting.filter((waiter) => waiter.group === next.group);
    this.#waiting = this.#waiting.filter((waiter) => waiter.group !== next.group);
    this.#active = next.group;
    this.#running = admitted.length;
    for (const waiter of admitted) waiter.enter();
  }
}
