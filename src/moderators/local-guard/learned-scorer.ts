import { finishLogits, logit, sigmoid } from "../../classifiers/linear-model.ts";
import { shippedModel } from "../../classifiers/shipped-models.ts";
import { addScaled, textSums } from "../../classifiers/text-sums.ts";
import type { ReplyStance } from "./assistant-scorer.ts";
import { DIMENSION_KEYS, type DimensionKey } from "./dimension-keys.ts";
import {
  ANSWER_SALT,
  ownCueStrength,
  promptExtras,
  REQUEST_SALT,
  turnWeight,
  USER_SALT,
} from "./learned-features.ts";
import type { DimensionRisk } from "./risk-scorer.ts";
import type { TextAnalysis } from "./text-analysis.ts";

/**
 * The local guard's decision: the shipped classifiers (models/prompt-harm.tslm for user turns,
 * models/answer-harm.tslm for replies), with the word-list scorer's output as input features
 * and its matches as the evidence shown. Each score is the classifier's probability re-centred
 * on the threshold chosen on the dev split (`logistic(logit(p) - logit(t))`), so 0.5 means
 * "at the dev threshold" and a guard threshold above 0.5 is stricter.
 */

/** Raw probabilities of the prompt-harm model: `harmful` and one per dimension. */
export interface PromptProbabilities {
  harmful: number;
  dimensions: Record<DimensionKey, number>;
}

function centred(model: ReturnType<typeof shippedModel>, logits: Float64Array, head: number): number {
  return sigmoid((logits[head] ?? 0) - logit(model.header.thresholds[head] ?? 0.5));
}

/** Scores the latest of `turns` (earlier ones are its context) with the prompt-harm model. */
export function promptLogits(
  turns: readonly string[],
  lexical: ReadonlyMap<DimensionKey, DimensionRisk> | readonly DimensionRisk[],
) {
  const model = shippedModel("prompt-harm");
  return { model, logits: finishLogits(model, contextSums(model, USER_SALT, turns), promptExtras(lexical)) };
}

// Each turn hashed once (cached) and weighted as context of the last: the same sum as hashing
// the turns together (turnBag), since the model is linear.
function contextSums(
  model: ReturnType<typeof shippedModel>,
  salt: number,
  turns: readonly string[],
): Float64Array {
  const sums = new Float64Array(model.header.heads.length);
  const last = turns.length - 1;
  for (let index = last; index >= 0; index--) {
    const weight = turnWeight(last - index);
    if (weight === 0) break;
    addScaled(sums, textSums(model, salt, turns[index] ?? ""), weight);
  }
  return sums;
}

/** The prompt-harm model's probabilities for one user turn read with the turns before it. */
export function promptProbabilities(
  turns: readonly string[],
  lexical: ReadonlyMap<DimensionKey, DimensionRisk> | readonly DimensionRisk[],
): PromptProbabilities {
  const { logits } = promptLogits(turns, lexical);
  const dimensions = Object.fromEntries(
    DIMENSION_KEYS.map((key, index) => [key, sigmoid(logits[index + 1] ?? 0)]),
  ) as Record<DimensionKey, number>;
  return { harmful: sigmoid(logits[0] ?? 0), dimensions };
}

/**
 * Per-dimension risks from a harm score and the dimension heads: the likeliest dimension
 * carries the harm score; the others carry it only as far as their own head agrees.
 */
function spread(
  harm: number,
  dimensionScores: readonly number[],
  lexical: ReadonlyMap<DimensionKey, DimensionRisk>,
  describe: string,
  messageIndex: number,
): DimensionRisk[] {
  let top = 0;
  dimensionScores.forEach((score, index) => {
    if (score > (dimensionScores[top] ?? 0)) top = index;
  });
  return DIMENSION_KEYS.map((key, index) => {
    const score = index === top ? harm : Math.min(harm, dimensionScores[index] ?? 0);
    const line = {
      messageIndex,
      image: null,
      text: `${describe} ${harm.toFixed(2)}, ${key} head ${(dimensionScores[index] ?? 0).toFixed(2)}`,
    };
    const words = lexical.get(key)?.evidence ?? [];
    return { key, logit: logit(score), score, peakTurn: 0, evidence: [line, ...words] };
  });
}

/** User side: each turn scored with its context; a dimension's risk is its peak over the turns. */
export function learnedUserRisks(
  turnTexts: readonly string[],
  messageIndexes: readonly number[],
  lexicalByTurn: readonly Map<DimensionKey, DimensionRisk>[],
): { final: DimensionRisk[]; byTurn: DimensionRisk[][] } {
  const peaks = new Map<DimensionKey, DimensionRisk>();
  const byTurn: DimensionRisk[][] = [];
  turnTexts.forEach((_, index) => {
    const lexical = lexicalByTurn[index] ?? new Map();
    const { model, logits } = promptLogits(turnTexts.slice(0, index + 1), lexical);
    const harm = centred(model, logits, 0);
    const dims = DIMENSION_KEYS.map((_, head) => centred(model, logits, head + 1));
    const risks = spread(harm, dims, lexical, "classifier: harmful request", messageIndexes[index] ?? 0);
    for (const risk of risks) {
      risk.peakTurn = index;
      const previous = peaks.get(risk.key);
      if (!previous || risk.score > previous.score) peaks.set(risk.key, risk);
    }
    byTurn.push(risks);
  });
  return { final: DIMENSION_KEYS.map((key) => peaks.get(key)).filter((risk) => risk !== undefined), byTurn };
}

/** An assistant reply as the answer-harm model reads it. */
export interface LearnedReply {
  messageIndex: number;
  text: string;
  analysis: TextAnalysis;
  stance: ReplyStance;
  /** The user turns up to the one this reply answers. */
  requestTurns: readonly string[];
  /** The lexical user-side risks in force when the reply was written. */
  lexicalContext: ReadonlyMap<DimensionKey, DimensionRisk>;
  /** The word-list rules' reading of the reply: their evidence is shown, and their dimension used when they see one. */
  rules: readonly DimensionRisk[];
}

/** Assistant side: how harmful the reply is given the request, spread over the dimensions. */
export function learnedReplyRisks(reply: LearnedReply): DimensionRisk[] {
  const model = shippedModel("answer-harm");
  const requestRisk = Math.max(0, ...[...reply.lexicalContext.values()].map((risk) => risk.score));
  const request =
    reply.requestTurns.length > 0 ? promptProbabilities(reply.requestTurns, reply.lexicalContext).harmful : 0;
  // The reply read as a request: an input of the answer model, and its heads name the dimension.
  const topic = promptLogits([reply.text], []);
  const sums = contextSums(model, REQUEST_SALT, reply.requestTurns);
  addScaled(sums, textSums(model, ANSWER_SALT, reply.text), 1);
  const extras = Float32Array.from([
    reply.stance.compliance,
    reply.stance.refusal,
    requestRisk,
    ownCueStrength(reply.analysis),
    request,
    sigmoid(topic.logits[0] ?? 0),
  ]);
  const harm = centred(model, finishLogits(model, sums, extras), 0);
  const dims = DIMENSION_KEYS.map((_, head) => centred(topic.model, topic.logits, head + 1));
  const rules = new Map(reply.rules.map((risk) => [risk.key, risk]));
  const strongestRule = [...reply.rules].sort((left, right) => right.score - left.score)[0];
  if (strongestRule && strongestRule.score >= 0.2) {
    const index = DIMENSION_KEYS.indexOf(strongestRule.key);
    dims[index] = Math.max(...dims) + 1e-6;
  }
  const risks = spread(harm, dims, rules, "classifier: harmful answer", reply.messageIndex);
  for (const risk of risks)
    risk.evidence.push(
      ...reply.stance.cues.map((cue) => ({ messageIndex: reply.messageIndex, image: null, text: cue })),
    );
  return risks;
}
