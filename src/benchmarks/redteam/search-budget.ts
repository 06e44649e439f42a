import type { Usage } from "../../contracts/index.ts";

/** Limits of a search (per task) or of a whole run; unset fields are unlimited. */
export interface BudgetLimits {
  calls?: number;
  tokens?: number;
  costUsd?: number;
  timeMs?: number;
}

/** What has been spent against a budget. */
export interface Spent {
  calls: number;
  tokens: number;
  costUsd: number;
}

/**
 * Calls, tokens and cost spent, checked against limits before each round. Calls served from
 * the store on resume count as spent (the search is the same search), so a resumed search stops
 * where the uninterrupted one would; wall time counts from this session's start.
 */
export class SearchBudget {
  readonly spent: Spent = { calls: 0, tokens: 0, costUsd: 0 };
  readonly #limits: BudgetLimits;
  readonly #started = Date.now();
  readonly #parent: SearchBudget | undefined;

  constructor(limits: BudgetLimits, parent?: SearchBudget) {
    this.#limits = limits;
    this.#parent = parent;
  }

  spend(usage: Usage, costUsd: number): void {
    this.spent.calls += 1;
    this.spent.tokens += usage.inputTokens + usage.outputTokens;
    this.spent.costUsd += costUsd;
    this.#parent?.spend(usage, costUsd);
  }

  /** Which limit is reached, or null (the run's budget first). */
  exhausted(): string | null {
    const parent = this.#parent?.exhausted();
    if (parent) return `run ${parent}`;
    const limits = this.#limits;
    if (limits.calls !== undefined && this.spent.calls >= limits.calls)
      return `calls budget (${limits.calls})`;
    if (limits.tokens !== undefined && this.spent.tokens >= limits.tokens)
      return `tokens budget (${limits.tokens})`;
    if (limits.costUsd !== undefined && this.spent.costUsd >= limits.costUsd)
      return `cost budget ($${limits.costUsd})`;
    if (limits.timeMs !== undefined && Date.now() - this.#started >= limits.timeMs)
      return `time budget (${limits.timeMs / 1000} s)`;
    return null;
  }
}

const KEYS: Record<string, keyof BudgetLimits> = {
  calls: "calls",
  tokens: "tokens",
  cost: "costUsd",
  time: "timeMs",
};

/** Parses `calls=300,tokens=1e6,cost=2.5,time=10m` (time in s, m or h; bare numbers are seconds). */
export function parseBudget(text: string): BudgetLimits | string {
  const limits: BudgetLimits = {};
  for (const item of text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name, value = ""] = item.split("=").map((part) => part.trim()) as [string, string?];
    const key = KEYS[name];
    if (!key) return `unknown budget "${name}" (calls, tokens, cost, time)`;
    if (key === "timeMs") {
      const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(value);
      if (!match) return `time must look like 90s, 10m or 1h, found "${value}"`;
      limits.timeMs = Number(match[1]) * (match[2] === "h" ? 3_600_000 : match[2] === "m" ? 60_000 : 1000);
      continue;
    }
    const number = Number(value);
    if (value === "" || !Number.isFinite(number) || number <= 0)
      return `${name} must be a positive number, found "${value}"`;
    limits[key] = number;
  }
  return limits;
}
