/**
 * AM3Safety's turn-aware dual-objective reward for one GRPO group (../shared/spec/am3.md):
 *
 *   mean_t  = (1/n_t) sum_i s[i][t]                     over the n_t rollouts that have turn t
 *   Var_t   = (1/n_t) sum_i (s[i][t] - mean_t)^2
 *   U_t     = Var_t + lambda * max(0, tau - mean_t)
 *   alpha_t = exp(U_t / temperature) / sum_u exp(U_u / temperature)   (shared by the group)
 *   r_i     = sum_{t in turns of i} alpha'_t * (beta * h[i][t] + s[i][t])
 *
 * Scores are in [0, 1] (the judge's scale is mapped onto it before this function). Rollouts of
 * different lengths: a turn's statistics are taken over the rollouts that reached it, and each
 * rollout's weights are the group's alpha renormalised over the turns it has
 * (alpha'_t = alpha_t / sum_{u in turns of i} alpha_u), so every reward stays a weighted mean of
 * its own turns, in [0, 1 + beta], whatever its length. With equal lengths alpha' = alpha.
 * A rollout without scores (its judge failed) is left out of the statistics and gets no reward
 * here: the caller decides its fallback. Pure: no I/O, no clock, no randomness.
 */

/** The reward's constants; every one has a documented default. */
export interface TurnRewardOptions {
  /** Weight of helpfulness against safety (default 0.5: safety counts twice as much). */
  beta: number;
  /** Weight of a turn's shortfall of mean safety below `tau` (default 1). */
  lambda: number;
  /** Mean safety below which a turn counts as falling short (default 0.5). */
  tau: number;
  /** Softmax temperature over turns (default 1, the spec's plain softmax; lower sharpens). */
  temperature: number;
}

export const DEFAULT_TURN_REWARD_OPTIONS: Readonly<TurnRewardOptions> = Object.freeze({
  beta: 0.5,
  lambda: 1,
  tau: 0.5,
  temperature: 1,
});

/** One rollout's per-turn scores in [0, 1]: `help[t]` and `safety[t]` for its assistant turn t. */
export interface RolloutTurnScores {
  help: readonly number[];
  safety: readonly number[];
}

/** A turn's group statistics. */
export interface TurnStatistics {
  /** Rollouts that reached this turn (and were scored). */
  rollouts: number;
  meanSafety: number;
  varianceSafety: number;
  /** U_t: variance plus weighted shortfall. */
  uncertainty: number;
  /** alpha_t: the group's softmax weight of this turn. */
  weight: number;
}

/** One turn's share of a rollout's reward. */
export interface TurnRewardPart {
  help: number;
  safety: number;
  /** alpha'_t: the group weight renormalised over this rollout's turns. */
  weight: number;
  /** weight * (beta * help + safety). */
  contribution: number;
}

export interface RolloutReward {
  /** r_i, in [0, 1 + beta]. */
  reward: number;
  /** r_i / (1 + beta), in [0, 1]. */
  score: number;
  turns: TurnRewardPart[];
}

export interface GroupReward {
  turns: TurnStatistics[];
  /** One entry per input rollout, in order; null where the input was null (not scored). */
  rollouts: (RolloutReward | null)[];
}

/** Computes the group's turn weights and every scored rollout's reward. Throws RangeError on bad input. */
export function computeGroupRewards(
  group: readonly (RolloutTurnScores | null)[],
  options: Partial<TurnRewardOptions> = {},
): GroupReward {
  const settings = resolveOptions(options);
  const scored: RolloutTurnScores[] = [];
  group.forEach((rollout, index) => {
    if (rollout !== null) {
      checkRollout(rollout, index);
      scored.push(rollout);
    }
  });
  const maxTurns = scored.reduce((most, rollout) => Math.max(most, rollout.safety.length), 0);
  const turns: TurnStatistics[] = [];
  for (let turn = 0; turn < maxTurns; turn++) {
    let count = 0;
    let sum = 0;
    for (const rollout of scored)
      if (turn < rollout.safety.length) {
        count++;
        sum += rollout.safety[turn] as number;
      }
    const mean = sum / count;
    let squares = 0;
    for (const rollout of scored)
      if (turn < rollout.safety.length) squares += ((rollout.safety[turn] as number) - mean) ** 2;
    const variance = squares / count;
    const uncertainty = variance + settings.lambda * Math.max(0, settings.tau - mean);
    turns.push({ rollouts: count, meanSafety: mean, varianceSafety: variance, uncertainty, weight: 0 });
  }
  // Softmax, shifted by the largest exponent so that it cannot overflow.
  const top = turns.reduce((most, turn) => Math.max(most, turn.uncertainty), Number.NEGATIVE_INFINITY);
  let total = 0;
  for (const turn of turns) {
    turn.weight = Math.exp((turn.uncertainty - top) / settings.temperature);
    total += turn.weight;
  }
  for (const turn of turns) turn.weight /= total;
  const rollouts = group.map((rollout) => (rollout === null ? null : rewardOf(rollout, turns, settings)));
  return { turns, rollouts };
}

function rewardOf(
  rollout: RolloutTurnScores,
  turns: readonly TurnStatistics[],
  settings: TurnRewardOptions,
): RolloutReward {
  const length = rollout.safety.length;
  let own = 0;
  for (let turn = 0; turn < length; turn++) own += (turns[turn] as TurnStatistics).weight;
  const parts: TurnRewardPart[] = [];
  let reward = 0;
  for (let turn = 0; turn < length; turn++) {
    const help = rollout.help[turn] as number;
    const safety = rollout.safety[turn] as number;
    const weight = (turns[turn] as TurnStatistics).weight / own;
    const contribution = weight * (settings.beta * help + safety);
    reward += contribution;
    parts.push({ help, safety, weight, contribution });
  }
  return { reward, score: reward / (1 + settings.beta), turns: parts };
}

/** The options with defaults filled in, checked. */
export function resolveOptions(options: Partial<TurnRewardOptions>): TurnRewardOptions {
  const settings = { ...DEFAULT_TURN_REWARD_OPTIONS, ...definedOnly(options) };
  for (const [name, value] of Object.entries(settings))
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0`);
  if (settings.temperature <= 0) throw new RangeError("temperature must be > 0");
  return settings;
}

function definedOnly(options: Partial<TurnRewardOptions>): Partial<TurnRewardOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function checkRollout(rollout: RolloutTurnScores, index: number): void {
  if (rollout.safety.length === 0) throw new RangeError(`rollout ${index}: no turns`);
  if (rollout.help.length !== rollout.safety.length)
    throw new RangeError(`rollout ${index}: help and safety have different numbers of turns`);
  for (const value of [...rollout.help, ...rollout.safety])
    if (!Number.isFinite(value) || value < 0 || value > 1)
      throw new RangeError(`rollout ${index}: scores must be in [0, 1], found ${value}`);
}
