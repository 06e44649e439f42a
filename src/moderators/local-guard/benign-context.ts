import type { DimensionKey } from "./dimension-keys.ts";
import { DISTANCING_KINDS, type FramingKind } from "./framing-lexicon.ts";
import type { Framing } from "./risk-scorer.ts";

/** How much a benign context discounts a turn's cues, and which framing says so. */
export interface Distancing {
  weight: number;
  framing: Framing | null;
}

const STANCES: ReadonlySet<FramingKind> = new Set(["endorsement", "denial", "replication"]);
// Contexts that hold for the whole conversation once stated ("I'm writing a novel"); the others
// (definition, history, prevention, victim, absurd premise) only describe their own turn: a
// safety purpose claimed once must not excuse every later request.
const CARRIED: ReadonlySet<FramingKind> = new Set(["fiction", "game", "sport"]);
const CARRY_DECAY = 0.95;
// Operational detail or evasion leaves a story or game only this much benefit of the doubt.
const OPERATIONAL_CAP = 1;

/**
 * The benign context that applies to the cues of turn `turn` when the dialogue is read up to
 * turn `index`: the turn's own context, or one stated elsewhere that holds for the whole
 * conversation, weakened by what argues against it (stances, evasion, operational detail,
 * promotion) and never applied to explicit sexual content in fiction.
 */
export function benignContext(
  key: DimensionKey,
  turn: number,
  index: number,
  framings: readonly Framing[],
): Distancing {
  const own = framings.filter((framing) => framing.turn === turn);
  const anywhere = (kind: FramingKind) => framings.some((framing) => framing.hit.kind === kind);
  const stance = own.some((framing) => STANCES.has(framing.hit.kind));
  const evading = own.some((framing) => framing.hit.kind === "evasion");
  // A game or story made to glorify harm is the harm, not a context for it.
  const promoting = own.some((framing) => framing.hit.kind === "promotion");
  const operational = anywhere("operational") || anywhere("evasion");
  let best: Distancing = { weight: 0, framing: null };
  for (const framing of framings) {
    const kind = framing.hit.kind;
    if (!DISTANCING_KINDS.has(kind) || framing.turn > index) continue;
    if (framing.turn !== turn && !CARRIED.has(kind)) continue;
    if (stance && (kind === "history" || kind === "definition")) continue;
    if (evading && kind === "history") continue;
    if (anywhere("evasion") && kind === "prevention") continue;
    if (key === "sexual" && (kind === "fiction" || kind === "game")) continue;
    if (promoting && (kind === "fiction" || kind === "game")) continue;
    let weight = framing.hit.weight * CARRY_DECAY ** Math.abs(turn - framing.turn);
    if (operational && (kind === "fiction" || kind === "game" || kind === "sport"))
      weight = Math.min(weight, OPERATIONAL_CAP);
    if (weight > best.weight) best = { weight, framing };
  }
  return best;
}
