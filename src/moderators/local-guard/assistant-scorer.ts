import type { DimensionKey } from "./dimension-keys.ts";
import { DISTANCING_KINDS, type FramingHit } from "./framing-lexicon.ts";
import { type DimensionRisk, type EvidenceLine, logistic } from "./risk-scorer.ts";
import type { TextAnalysis } from "./text-analysis.ts";

/** An assistant reply with the user-side risk in force when it was written. */
export interface AssistantTurn {
  messageIndex: number;
  text: string;
  analysis: TextAnalysis;
  /** The user side's cumulative risk per dimension up to the turn this reply answers. */
  context: ReadonlyMap<DimensionKey, DimensionRisk>;
  /** The framings of the user turn answered: a history question makes a history answer. */
  question: readonly FramingHit[];
}

/** How much a reply hands over (steps, quantities, code) and whether it declines. */
export interface ReplyStance {
  compliance: number;
  refusal: number;
  cues: string[];
}

const BIAS = -4;
const REFUSAL_PENALTY = 5;

const REFUSAL =
  /\b(?:i (?:can(?:'|no)?t|won't|will not|am not able to|'m not able to|am unable to|'m unable to|must decline|have to decline|cannot|do not|don't) (?:help|assist|provide|do|comply|support|give|share|write|create|offer|fulfil|fulfill|engage|generate|produce|recommend|explain|describe)|i'?m sorry,? but|sorry,? (?:but )?i (?:can|won)|(?:against|violates?) (?:my|our|the) (?:guidelines|policy|policies|principles|usage policies)|not (?:something|able) i can (?:help|assist)|i (?:strongly )?(?:advise|urge) (?:you )?(?:against|not to)|i'd (?:rather|prefer) not|(?:please )?(?:seek|reach out|contact|talk to) (?:a |an |your )?(?:professional|doctor|therapist|counsell?or|crisis|helpline|hotline|trusted)|(?:call|text|dial) (?:a |the )?(?:crisis|suicide|emergency|hotline|helpline|988|911|999|112|samaritans)|i can't assist with that|i must refuse|i refuse to)\b/;

const SIGNALS: [string, number, RegExp][] = [
  [
    "compliant opening",
    0.45,
    /^(?:\s*)(?:sure|certainly|of course|absolutely|okay|ok|here(?:'s| is| are)|great question|no problem|happy to help)\b/,
  ],
  [
    "hands over a method",
    0.45,
    /\b(?:here(?:'s| is) (?:how|a|the|what|an)|follow these steps|you(?:'ll| will) need|you can (?:use|try|buy|get|make|mix|add|combine)|to (?:do|make|build) (?:this|it)|the (?:trick|key) is to)\b/,
  ],
  [
    "numbered steps",
    0.5,
    /(?:^|\n)\s*(?:\d+[.)]|step \d+[:.]?)\s+\S[\s\S]*?(?:\n\s*(?:\d+[.)]|step \d+[:.]?)\s+\S)|\b(?:1[.)]|step 1[:.]?)\s+\S[\s\S]{3,300}?\b(?:2[.)]|step 2[:.]?)\s+\S/,
  ],
  ["sequenced instructions", 0.3, /\b(?:first|firstly),?\s[\s\S]{0,200}\b(?:then|next|after that|finally)\b/],
  [
    "urges the user",
    0.3,
    /\byou (?:should|could|can|need to|must|have to|ought to) (?:just |simply |really )?(?!not\b|never\b)[a-z]+/,
  ],
  [
    "quantities",
    0.4,
    /\b\d+(?:[.,]\d+)?\s?(?:g|grams?|kg|mg|ml|l|litres?|liters?|oz|ounces?|lbs?|pounds?|°c|°f|degrees|minutes?|hours?|%|percent|parts?|cups?|tablespoons?|teaspoons?|pills?|tablets?|doses?|volts?|psi)\b/,
  ],
  [
    "code",
    0.5,
    /```|\bimport \w|\bdef \w+\(|\bfunction \w*\(|#include|\bselect\b[\s\S]{1,80}\bfrom\b|\bcurl |\bsudo |<script|\bpowershell\b|\bsocket\.|\bsubprocess\b/,
  ],
];

/** Reads how a reply stands towards the request: compliance cues and refusal. */
export function replyStance(text: string): ReplyStance {
  const lowered = text.toLowerCase();
  const cues: string[] = [];
  let compliance = 0;
  for (const [name, weight, pattern] of SIGNALS) {
    if (pattern.test(lowered)) {
      compliance += weight;
      cues.push(name);
    }
  }
  compliance = Math.min(1, compliance);
  const refused = REFUSAL.exec(lowered);
  let refusal = 0;
  if (refused) {
    // "I can't help with that, but here is how: 1. ..." still hands it over.
    refusal = refused.index < 300 && compliance < 0.5 ? 1 : 0.4;
    cues.push(`refusal "${refused[0]}"`);
  }
  return { compliance, refusal, cues };
}

/**
 * Scores one assistant reply per dimension: its own harmful content, plus, when it answers a
 * harmful request, how much it complies (steps, quantities, code); a refusal pulls it down.
 */
export function scoreAssistantTurn(turn: AssistantTurn, keys: readonly DimensionKey[]): DimensionRisk[] {
  const stance = replyStance(turn.text);
  const distancing = Math.max(
    0,
    ...[...turn.analysis.framings, ...turn.question]
      .filter((framing) => DISTANCING_KINDS.has(framing.kind) && framing.kind !== "definition")
      .map((framing) => framing.weight),
  );
  return keys.map((key) => {
    const evidence: EvidenceLine[] = [];
    const own = turn.analysis.cues
      .map((match) => ({ match, weight: match.weights[key] ?? 0 }))
      .filter((entry) => entry.weight > 0)
      .sort((left, right) => right.weight - left.weight);
    let content = own[0]?.weight ?? 0;
    content += Math.min(1.5, 0.35 * own.slice(1).reduce((sum, entry) => sum + entry.weight, 0));
    for (const { match } of own.slice(0, 4))
      evidence.push({
        messageIndex: turn.messageIndex,
        image: null,
        text: `"${match.text}"${match.target ? ` aimed at "${match.target}"` : ""}`,
      });
    const request = turn.context.get(key);
    const requested = request && request.logit > 0 ? Math.min(3, 1 + request.logit) : 0;
    let logit = BIAS + content - (requested > 0 ? 0 : distancing);
    if (stance.compliance > 0 && (content > 0 || requested > 0)) {
      logit += requested + 2 * stance.compliance;
      if (requested > 0)
        evidence.push({
          messageIndex: turn.messageIndex,
          image: null,
          text: `answers a request rated ${request?.score.toFixed(2)} for this dimension`,
        });
    }
    logit -= REFUSAL_PENALTY * stance.refusal;
    for (const cue of stance.cues) evidence.push({ messageIndex: turn.messageIndex, image: null, text: cue });
    return { key, logit, score: logistic(logit), peakTurn: 0, evidence };
  });
}
