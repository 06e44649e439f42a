import type { UsageRow } from "../engine/store.ts";

/** The figures of a usage row without its role and target. */
export type UsageFigures = Omit<UsageRow, "role" | "targetId">;

/** Sums usage rows across roles and targets. */
export function usageTotals(rows: readonly UsageRow[]): UsageFigures {
  const total: UsageFigures = {
    calls: 0,
    cachedCalls: 0,
    erroredCalls: 0,
    retries: 0,
    rateLimited: 0,
    serverErrors: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
  };
  for (const row of rows) {
    total.calls += row.calls;
    total.cachedCalls += row.cachedCalls;
    total.erroredCalls += row.erroredCalls;
    total.retries += row.retries;
    total.rateLimited += row.rateLimited;
    total.serverErrors += row.serverErrors;
    total.inputTokens += row.inputTokens;
    total.outputTokens += row.outputTokens;
    total.costUsd += row.costUsd;
  }
  return total;
}
