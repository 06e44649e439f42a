import type { GenerationParams, ModelCaller, Target } from "../../contracts/index.ts";
import type { Dialogue, ImageRef, Message } from "../../dialogue/dialogue.ts";
import type { TurnAnswer } from "../../drivers/driver.ts";
import type { ImagePlacement } from "../../drivers/image-placement.ts";
import { createLiveDriver } from "../../drivers/live-driver.ts";
import type { PlayedMessage } from "../../drivers/played-transcript.ts";
import { describeError } from "../../errors.ts";
import type { Captioner, CaptionResult } from "./captions.ts";
import { askMcq, askTrueFalse, type IntentAnswer, isCancellation } from "./intent-questions.ts";
import { mtmcsInfo } from "./mtmcs-cases.ts";
import { judgeMtmcsDialogue, type MtmcsJudgeOptions } from "./mtmcs-judge.ts";
import type { MtmcsJudgeKind } from "./mtmcs-rubrics.ts";

/** The conversation protocol; recorded with the run. */
export interface MtmcsProtocol {
  imagePlacement: ImagePlacement;
  /** Settings of every dialogue turn (reference: temperature 0.1, 128 new tokens). */
  turnParams: GenerationParams;
  /** Settings of the intent questions (default: the turn settings). */
  intentParams: GenerationParams;
  /** No system prompt is sent by the protocol itself; defences may add one. */
  systemPrompt: null;
}

/** The reference protocol of MTMCS-Bench. */
export const REFERENCE_PROTOCOL: MtmcsProtocol = {
  imagePlacement: "reference",
  turnParams: { temperature: 0.1, maxOutputTokens: 128 },
  intentParams: { temperature: 0.1, maxOutputTokens: 128 },
  systemPrompt: null,
};

/** A model under test in one defence condition. */
export interface MtmcsArm {
  /** `<target id>|<condition>`: result key and step prefix. */
  key: string;
  targetId: string;
  defence: string;
  /** The target wrapped in the condition's middleware. */
  target: Target;
}

/** A judge verdict as kept in the case result. */
export interface ArmJudgement {
  kind: MtmcsJudgeKind;
  status: "ok" | "unparsed" | "errored";
  value: number | null;
  explanation: string | null;
  raw: string | null;
}

/** What one arm did on one case. */
export interface MtmcsArmResult {
  targetId: string;
  defence: string;
  answers: TurnAnswer[];
  /** The conversation as played (absent in results stored before transcripts were kept). */
  played?: PlayedMessage[];
  intent: IntentAnswer[];
  judgement: ArmJudgement | null;
  error: string | null;
}

/** The stored result of one case. */
export interface MtmcsCaseResult {
  caption: CaptionResult | null;
  arms: Record<string, MtmcsArmResult>;
}

export interface PlayMtmcsOptions {
  arms: readonly MtmcsArm[];
  protocol: MtmcsProtocol;
  judge: MtmcsJudgeOptions;
  /** Present in caption mode. */
  captioner?: Captioner;
  caller: ModelCaller;
  imageBaseDir?: string;
}

/**
 * Plays one case for every arm: the live 3-turn dialogue, the intent questions of its side in
 * fresh prompts, and the side's judge (SA for unsafe, helpfulness for safe). Arms run side by
 * side; each call has its own step, so a killed run resumes mid-conversation.
 */
export async function playMtmcsCase(dialogue: Dialogue, options: PlayMtmcsOptions): Promise<MtmcsCaseResult> {
  const info = mtmcsInfo(dialogue);
  const image = firstImage(dialogue.messages);
  const kind: MtmcsJudgeKind = info.side === "unsafe" ? "safety-awareness" : "helpfulness";
  let captionPromise: Promise<CaptionResult> | null = null;
  const captionFor = () => {
    if (!options.captioner || !image || info.modality !== "mm") return Promise.resolve(null);
    captionPromise ??= options.captioner.caption(
      info.rowId,
      info.imageKey ?? info.rowId,
      image,
      options.caller,
    );
    return captionPromise;
  };
  const result: MtmcsCaseResult = { caption: null, arms: {} };
  await Promise.all(
    options.arms.map(async (arm) => {
      const outcome: MtmcsArmResult = {
        targetId: arm.targetId,
        defence: arm.defence,
        answers: [],
        intent: [],
        judgement: null,
        error: null,
      };
      result.arms[arm.key] = outcome;
      let messages: Message[];
      try {
        const driver = createLiveDriver({
          imagePlacement: options.protocol.imagePlacement,
          params: options.protocol.turnParams,
          stepPrefix: arm.key,
        });
        const transcript = await driver.play(dialogue, {
          caller: options.caller,
          target: arm.target,
          imageBaseDir: options.imageBaseDir,
        });
        outcome.answers = transcript.answers;
        outcome.played = transcript.played;
        messages = transcript.messages;
      } catch (error) {
        if (isCancellation(error)) throw error;
        outcome.error = describeError(error);
        return;
      }
      const ask = {
        caller: options.caller,
        target: arm.target,
        messages,
        params: options.protocol.intentParams,
        imageBaseDir: options.imageBaseDir,
        stepPrefix: arm.key,
      };
      const questions = [
        ...info.mcq.map((item, index) => askMcq(item, index, ask)),
        ...info.tf.map((item, index) => askTrueFalse(item, index, ask)),
      ];
      const judged = (async (): Promise<ArmJudgement> => {
        const caption = await captionFor();
        if (caption) result.caption = caption;
        if (caption && caption.caption === null)
          return {
            kind,
            status: "errored",
            value: null,
            explanation: `no caption: ${caption.error}`,
            raw: null,
          };
        const verdict = await judgeMtmcsDialogue(
          kind,
          { messages, info, caption: caption?.caption ?? null },
          options.judge,
          options.caller,
          `${arm.key}/judge:${kind}`,
        );
        return {
          kind,
          status: verdict.status,
          value: verdict.value,
          explanation: verdict.explanation,
          raw: verdict.raw,
        };
      })();
      const [intent, judgement] = await Promise.all([Promise.all(questions), judged]);
      outcome.intent = intent;
      outcome.judgement = judgement;
    }),
  );
  return result;
}

function firstImage(messages: readonly Message[]): ImageRef | null {
  for (const message of messages)
    for (const part of message.content) if (part.type === "image") return part.image;
  return null;
}
