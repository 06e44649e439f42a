import type { Target } from "../../contracts/index.ts";
import { defaultCasesInFlight } from "../../engine/cases-in-flight.ts";

/**
 * Cases an MTMCS run plays at once when `--concurrency` is not given: like the dialogue suite's
 * (see defaultCasesInFlight), enough to keep every target's connections busy, plus the judge's,
 * the captioner's and the moderator's (each endpoint counted once), plus room for the gaps.
 */
export function mtmcsCasesInFlight(
  models: { targets: readonly Target[]; judge: Target; captioner?: Target; moderator?: Target },
  endpointConcurrency: number,
): number {
  const helpers = [models.judge, models.captioner, models.moderator].filter(
    (model): model is Target => model !== undefined && !models.targets.includes(model),
  );
  return defaultCasesInFlight(models.targets, helpers, endpointConcurrency);
}
