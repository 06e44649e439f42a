import type { Target, TargetHints } from "../contracts/index.ts";

/** Where a target's hints are kept: a symbol key, so no member of the model contract and no name clash. */
const HINTS: unique symbol = Symbol("turnsafe.targetHints");

type Hinted = { [HINTS]?: TargetHints };

/**
 * Registers a target's scheduling hints, kept apart from the model contract (`Target` has no
 * member for them): whoever builds a target (provider targets, the simulator, `wrapTarget`,
 * test helpers) calls this, and the engine reads them with `targetHints`. They sit under a
 * symbol key of the target, so a copy made with a spread (`{ ...target, id }`) keeps them and
 * the engine's lookup per call is one property read. Returns the target.
 */
export function withHints<T extends Target>(target: T, hints: TargetHints): T {
  (target as T & Hinted)[HINTS] = hints;
  return target;
}

/**
 * The scheduling hints of a target. One built without any (a bare object in a test) is its own
 * endpoint, not the simulator, with the engine's defaults for the rest.
 */
export function targetHints(target: Target): TargetHints {
  return (target as Target & Hinted)[HINTS] ?? withDefaults(target);
}

function withDefaults(target: Target): TargetHints {
  const hints: TargetHints = { endpoint: target.id, isSimulator: false };
  if (Object.isExtensible(target)) withHints(target, hints);
  return hints;
}
