import type { DimensionKey, DimensionWeights } from "./dimension-keys.ts";
import type { FramingHit } from "./framing-lexicon.ts";
import type { Item, OpenAct, PlacedTarget } from "./risk-scorer.ts";
import { addWeights } from "./text-analysis.ts";

// A pair made across turns weighs a little less than one made within a sentence.
const CROSS_TURN_PAIR = 0.85;

/**
 * Lets an act land on a target named in another turn, but only when the current turn refers
 * back to something ("him", "that lock", "the stuff in the picture"); the pair is current evidence.
 */
export function pairAcrossTurns(
  index: number,
  turnFramings: readonly FramingHit[],
  items: Item[],
  targets: readonly PlacedTarget[],
  openActs: readonly OpenAct[],
): void {
  const refersBack =
    turnFramings.some((framing) => framing.kind === "anaphora" || framing.kind === "imageReference") ||
    targets.some((target) => target.turn === index && target.hit.target === "pronoun");
  if (!refersBack || index === 0) return;
  const refersToImage = turnFramings.some((framing) => framing.kind === "imageReference");
  for (const open of openActs) {
    for (const pair of open.match.cue.pairs) {
      const landing = [...targets]
        .reverse()
        .find(
          (target) =>
            target.turn !== open.turn &&
            (target.turn === index || open.turn === index || (open.source.image !== null && refersToImage)) &&
            target.hit.target !== "pronoun" &&
            pair.targets.includes(target.hit.target),
        );
      if (!landing) continue;
      const scaled: DimensionWeights = {};
      for (const [key, value] of Object.entries(pair.weights) as [DimensionKey, number][])
        scaled[key] = value * CROSS_TURN_PAIR;
      items.push({
        ...open.source,
        turn: index,
        id: `${open.match.cue.id}:across`,
        label: `"${open.match.text}" aimed at "${landing.hit.text}" named in an earlier turn`,
        linked: { ...landing.source, text: `target "${landing.hit.text}"` },
        weights: addWeights(open.match.cue.weights, scaled),
        committable: true,
        denialTarget: false,
      });
      break;
    }
  }
}

/** "What is the thing in this picture used for?": makes the images' evidence current again. */
export function refreshImages(index: number, items: Item[]): void {
  for (const item of items) if (item.image !== null) item.turn = index;
}
