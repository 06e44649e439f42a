import type { Target } from "../contracts/index.ts";
import { targetHints } from "./target-hints.ts";

/**
 * Cases played at once when a run does not set it: enough to keep every connection the targets'
 * endpoints allow busy, plus room for judge calls and the gaps of a case's life when it holds no
 * connection (building requests, storing, judging, between turns of a live dialogue).
 *
 * Each case holds at most one request per target at a time, so the targets need as many cases as
 * the largest budget among their endpoints; a case being judged holds a judge model's connection
 * instead, so each judge endpoint's budget is added; then a quarter more (at least 2) for the gaps.
 * A target's budget is its own `concurrency`, else the run's default per endpoint.
 */
export function defaultCasesInFlight(
  targets: readonly Target[],
  judgeModels: readonly Target[],
  endpointConcurrency: number,
): number {
  const budget = (target: Target) => targetHints(target).concurrency ?? endpointConcurrency;
  const forTargets = Math.max(1, ...targets.map(budget));
  const judgeEndpoints = new Map<string, number>();
  for (const model of judgeModels) {
    const endpoint = targetHints(model).endpoint;
    judgeEndpoints.set(endpoint, Math.max(judgeEndpoints.get(endpoint) ?? 0, budget(model)));
  }
  const forJudges = [...judgeEndpoints.values()].reduce((sum, value) => sum + value, 0);
  const busy = forTargets + forJudges;
  return Math.min(10_000, busy + Math.max(2, Math.ceil(busy / 4)));
}
